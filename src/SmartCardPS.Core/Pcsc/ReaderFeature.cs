using System;
using System.Collections.Generic;
using System.Globalization;

namespace SmartCardPS.Pcsc
{
    /// <summary>One feature a reader offers through SCardControl, and the control code that reaches it.</summary>
    public sealed class ReaderFeature
    {
        public ReaderFeature() { }

        public ReaderFeature(byte tag, uint controlCode)
        {
            Tag = tag;
            ControlCode = controlCode;
        }

        public byte Tag { get; set; }

        /// <summary>The part 10 name without FEATURE_ (VerifyPinDirect …), or Unknown0xNN for a tag the specification does not define.</summary>
        public string Name => Enum.IsDefined(typeof(PcscFeatureTag), Tag) ? ((PcscFeatureTag)Tag).ToString() : string.Format(CultureInfo.InvariantCulture, "Unknown0x{0:X2}", Tag);

        /// <summary>The code to pass to SCardControl, as the driver gave it (already platform-specific).</summary>
        public uint ControlCode { get; set; }

        public override string ToString() => Name;

        /// <summary>
        /// Decodes the answer to CM_IOCTL_GET_FEATURE_REQUEST: TLVs of a one-byte tag, a one-byte length (4) and a
        /// big-endian control code. A TLV with another length is skipped; a cut-off one ends the list.
        /// </summary>
        public static IReadOnlyList<ReaderFeature> Decode(byte[] tlv)
        {
            var features = new List<ReaderFeature>();
            if (tlv == null) return features;
            for (int i = 0; i + 2 <= tlv.Length;)
            {
                byte tag = tlv[i], length = tlv[i + 1];
                int value = i + 2;
                if (value + length > tlv.Length) break;
                if (length == 4)
                {
                    uint code = (uint)(tlv[value] << 24 | tlv[value + 1] << 16 | tlv[value + 2] << 8 | tlv[value + 3]);
                    features.Add(new ReaderFeature(tag, code));
                }
                i = value + length;
            }
            return features;
        }

        /// <summary>As OpenSC decides its "PIN pad" capability: the reader verifies or modifies a PIN itself.</summary>
        public static bool MeansPinPad(IEnumerable<ReaderFeature> features)
        {
            foreach (ReaderFeature f in features)
            {
                switch ((PcscFeatureTag)f.Tag)
                {
                    case PcscFeatureTag.VerifyPinDirect:
                    case PcscFeatureTag.VerifyPinStart:
                    case PcscFeatureTag.ModifyPinDirect:
                    case PcscFeatureTag.ModifyPinStart:
                        return true;
                }
            }
            return false;
        }
    }
}
