using System;
using System.Collections.Generic;
using System.ComponentModel;
using SmartCardPS.Os;

namespace SmartCardPS.Clients
{
    /// <summary>One Unix socket as the kernel's sock_diag reports it.</summary>
    internal sealed class UnixSocketEntry
    {
        public uint Inode;
        public uint Peer;
        public byte State;

        /// <summary>The bound file (listening and accepted sockets share their listener's); 0 when unbound.</summary>
        public uint VfsInode;
        public uint VfsDevice;
    }

    /// <summary>
    /// Every Unix socket of this network namespace with its peer and bound file, asked of the kernel through the
    /// NETLINK_SOCK_DIAG UNIX_DIAG query (what ss -x uses). /proc/net/unix is not enough: it has no peers (the
    /// inode pairs it does show are partial), and every private pcscd (containers, other mount namespaces, our
    /// own test fixture) binds the same path, so a name cannot tell them apart; the bound file's device and inode
    /// can. lsof and ss are not needed, and any user may ask.
    /// </summary>
    internal static class UnixSocketDiag
    {
        private const int AfNetlink = 16, AfUnix = 1, SockDgram = 2, SockCloexec = 0x80000, NetlinkSockDiag = 4;
        private const ushort SockDiagByFamily = 20, NlmsgDone = 3, NlmsgError = 2;
        private const ushort NlmFRequest = 1, NlmFDump = 0x300;
        private const uint ShowName = 1, ShowVfs = 2, ShowPeer = 4;
        private const ushort AttrVfs = 1, AttrPeer = 2;


        public static List<UnixSocketEntry> Dump()
        {
            int fd = Libc.socket(AfNetlink, SockDgram | SockCloexec, NetlinkSockDiag);
            if (fd < 0) throw new Win32Exception(Libc.Errno, "socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed");
            try
            {
                Send(fd);
                return Receive(fd);
            }
            finally
            {
                Libc.close(fd);
            }
        }

        private static void Send(int fd)
        {
            // nlmsghdr (16 bytes) + unix_diag_req (24 bytes): every state, every inode, with name, file and peer.
            var request = new byte[40];
            Put32(request, 0, 40);
            Put16(request, 4, SockDiagByFamily);
            Put16(request, 6, NlmFRequest | NlmFDump);
            Put32(request, 8, 1);
            request[16] = AfUnix;
            Put32(request, 20, uint.MaxValue);
            Put32(request, 28, ShowName | ShowVfs | ShowPeer);
            var kernel = new byte[12];
            Put16(kernel, 0, AfNetlink);
            if ((long)Libc.sendto(fd, request, (IntPtr)request.Length, 0, kernel, kernel.Length) != request.Length)
                throw new Win32Exception(Libc.Errno, "sending the sock_diag query failed");
        }

        private static List<UnixSocketEntry> Receive(int fd)
        {
            var entries = new List<UnixSocketEntry>();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                long n = (long)Libc.recv(fd, buffer, (IntPtr)buffer.Length, 0);
                if (n < 0) throw new Win32Exception(Libc.Errno, "reading the sock_diag answer failed");
                for (int at = 0; at + 16 <= n;)
                {
                    int length = (int)Get32(buffer, at);
                    ushort type = BitConverter.ToUInt16(buffer, at + 4);
                    if (length < 16 || at + length > n) return entries;
                    if (type == NlmsgDone) return entries;
                    if (type == NlmsgError)
                    {
                        int errno = -BitConverter.ToInt32(buffer, at + 16);
                        throw new Win32Exception(errno, "the kernel refused the sock_diag query (is unix_diag available?)");
                    }
                    if (type == SockDiagByFamily) entries.Add(Parse(buffer, at + 16, at + length));
                    at += (length + 3) & ~3;
                }
            }
        }

        private static UnixSocketEntry Parse(byte[] b, int at, int end)
        {
            // unix_diag_msg: family, type, state, pad, ino, cookie[2]; then rtattrs.
            var entry = new UnixSocketEntry { State = b[at + 2], Inode = Get32(b, at + 4) };
            for (int a = at + 16; a + 4 <= end;)
            {
                ushort length = BitConverter.ToUInt16(b, a);
                ushort type = BitConverter.ToUInt16(b, a + 2);
                if (length < 4 || a + length > end) break;
                if (type == AttrPeer && length >= 8) entry.Peer = Get32(b, a + 4);
                if (type == AttrVfs && length >= 12)
                {
                    entry.VfsInode = Get32(b, a + 4);
                    entry.VfsDevice = Get32(b, a + 8);
                }
                a += (length + 3) & ~3;
            }
            return entry;
        }

        private static uint Get32(byte[] b, int at) => BitConverter.ToUInt32(b, at);

        private static void Put32(byte[] b, int at, uint value) => BitConverter.GetBytes(value).CopyTo(b, at);

        private static void Put16(byte[] b, int at, ushort value) => BitConverter.GetBytes(value).CopyTo(b, at);
    }
}
