using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using SmartCardPS.Text;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// Lets the string[] -Apdu parameter take byte arrays: a byte[] is one APDU (PowerShell would otherwise make
    /// each byte a decimal string), as is an array of numbers such as 0x00, 0xA4, 0x04, 0x00.
    /// </summary>
    internal sealed class ApduInputTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = Unwrap(inputData);
            if (value is byte[] bytes) return Hex.Format(bytes);
            if (!(value is IList list) || value is string) return inputData;
            if (list.Count > 0 && AllNumbers(list)) return Hex.Format(ToBytes(list));
            var texts = new List<string>(list.Count);
            foreach (object item in list)
            {
                object v = Unwrap(item);
                texts.Add(v is byte[] b ? Hex.Format(b) : v is IList l && !(v is string) && AllNumbers(l) ? Hex.Format(ToBytes(l)) : v?.ToString());
            }
            return texts.ToArray();
        }

        private static bool AllNumbers(IList list)
        {
            foreach (object item in list)
            {
                object v = Unwrap(item);
                if (!(v is byte || v is int || v is long || v is short)) return false;
            }
            return true;
        }

        private static byte[] ToBytes(IList list)
        {
            var bytes = new byte[list.Count];
            for (int i = 0; i < bytes.Length; i++)
            {
                long n = Convert.ToInt64(Unwrap(list[i]), System.Globalization.CultureInfo.InvariantCulture);
                if (n < 0 || n > 255) throw new ArgumentTransformationMetadataException($"{n} is not a byte (0 to 255), so it cannot be part of an APDU.");
                bytes[i] = (byte)n;
            }
            return bytes;
        }

        private static object Unwrap(object o) => o is PSObject pso ? pso.BaseObject : o;
    }
}
