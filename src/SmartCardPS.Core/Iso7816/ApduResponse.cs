using System;
using SmartCardPS.Text;

namespace SmartCardPS.Iso7816
{
    /// <summary>A card's answer to one command APDU, after the T=0 rules (GET RESPONSE, Le retry) when they applied.</summary>
    public sealed class ApduResponse
    {
        public ApduResponse() { }

        internal ApduResponse(string reader, byte[] command, byte[] data, byte sw1, byte sw2, TimeSpan elapsed)
        {
            Reader = reader;
            commandBytes = command;
            this.data = data;
            SW1 = sw1;
            SW2 = sw2;
            Elapsed = elapsed;
        }

        // The hex text is made when first read: a loop that only looks at Success or GetData() never pays for it.
        private readonly byte[] commandBytes;
        private readonly byte[] data;
        private string command;
        private string dataText;

        public string Reader { get; set; }

        /// <summary>The command as given, in hex.</summary>
        public string Command
        {
            get => command ?? (command = Hex.Format(commandBytes));
            set => command = value;
        }

        /// <summary>The response data without SW1-SW2, in hex; empty when the card sent none.</summary>
        public string Data
        {
            get => dataText ?? (dataText = Hex.Format(data));
            set => dataText = value;
        }

        /// <summary>
        /// The response data as opensc-tool -s prints it beside the hex: each printable ASCII byte (0x20-0x7E, C's
        /// isprint) as itself, every other byte as '.'. Only those bytes pass, so it is safe to show as is.
        /// </summary>
        public string Text
        {
            get
            {
                byte[] bytes = data ?? CommandApdu.ParseHexOrEmpty(Data);
                var text = new char[bytes.Length];
                for (int i = 0; i < bytes.Length; i++) text[i] = bytes[i] >= 0x20 && bytes[i] <= 0x7E ? (char)bytes[i] : '.';
                return new string(text);
            }
        }

        public byte SW1 { get; set; }
        public byte SW2 { get; set; }

        public string StatusWord => $"{SW1:X2} {SW2:X2}";

        /// <summary>The ISO/IEC 7816-4 meaning of SW1-SW2.</summary>
        public string Meaning => StatusWords.Describe(SW1, SW2);

        /// <summary>90 00, or 61 XX (more data waits, seen with -NoGetResponse).</summary>
        public bool Success => StatusWords.IsSuccess(SW1, SW2);

        /// <summary>From the first byte sent to the last byte received, GET RESPONSE exchanges included.</summary>
        public TimeSpan Elapsed { get; set; }

        /// <summary>The response data as bytes.</summary>
        public byte[] GetData() => data != null ? (byte[])data.Clone() : CommandApdu.ParseHexOrEmpty(Data);

        public override string ToString() => Data.Length == 0 ? StatusWord : Data + " " + StatusWord;
    }
}
