using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// Lets a string[] ATR parameter take byte arrays and reader objects too: without it PowerShell would turn a
    /// byte[] into decimal strings ("59", "149") and a reader into its name.
    /// </summary>
    internal sealed class AtrInputTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = Unwrap(inputData);
            if (value is byte[] bytes) return Hex.Format(bytes);
            if (value is SmartCardReader reader) return reader.Atr;
            if (value is IList list && !(value is string) && ContainsConvertible(list))
            {
                var texts = new List<string>(list.Count);
                foreach (object item in list)
                {
                    object v = Unwrap(item);
                    texts.Add(v is byte[] b ? Hex.Format(b) : v is SmartCardReader r ? r.Atr : v?.ToString());
                }
                return texts.ToArray();
            }
            return inputData;
        }

        private static bool ContainsConvertible(IList list)
        {
            foreach (object item in list)
            {
                object v = Unwrap(item);
                if (v is byte[] || v is SmartCardReader) return true;
            }
            return false;
        }

        private static object Unwrap(object o) => o is PSObject pso ? pso.BaseObject : o;
    }
}
