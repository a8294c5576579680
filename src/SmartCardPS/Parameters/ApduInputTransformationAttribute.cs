using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// Turns what Send-SmartCardApdu's -Apdu is given into <see cref="ApduInput"/>s: text is read as hex here, a
    /// byte[] is one APDU (PowerShell would otherwise make each byte a decimal string), as is an array of numbers
    /// such as 0x00, 0xA4, 0x04, 0x00; anything else is read as its text, as a string parameter would.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ApduInputTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = Unwrap(inputData);
            if (value == null) return null;
            // One input is returned as the array -Apdu is; its text is what binding it to a string would give.
            if (!(value is IList list) || value is string) return new[] { ToInput(value, _ => LanguagePrimitives.ConvertTo<string>(inputData)) };
            if (value is byte[] || AllNumbers(list)) return new[] { ToInput(value, null) };
            var inputs = new ApduInput[list.Count];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = ToInput(Unwrap(list[i]), v => v.ToString());
            return inputs;
        }

        private static ApduInput ToInput(object value, Func<object, string> text)
        {
            switch (value)
            {
                case null: return null;
                case byte[] bytes: return ApduInput.FromBytes(bytes);
                case IList list when !(value is string) && (list.Count == 0 || AllNumbers(list)): return ApduInput.FromBytes(ToBytes(list));
                default: return ApduInput.FromText(text(value));
            }
        }

        private static bool AllNumbers(IList list)
        {
            if (list.Count == 0) return false;
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
                long n = Convert.ToInt64(Unwrap(list[i]), CultureInfo.InvariantCulture);
                if (n < 0 || n > 255) throw new ArgumentTransformationMetadataException($"{n} is not a byte (0 to 255), so it cannot be part of an APDU.");
                bytes[i] = (byte)n;
            }
            return bytes;
        }

        private static object Unwrap(object o) => o is PSObject pso ? pso.BaseObject : o;
    }
}
