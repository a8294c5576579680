using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// Turns what ConvertFrom-Atr's -Atr is given into <see cref="AtrInput"/>s: text is read as hex here, byte
    /// arrays stay bytes, and a reader gives its card's ATR. Each kind of input is one case of <see cref="ToInput"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class AtrInputTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = Unwrap(inputData);
            if (value == null) return null;
            if (value is IList list && !(value is byte[]))
            {
                var inputs = new AtrInput[list.Count];
                for (int i = 0; i < inputs.Length; i++)
                {
                    object item = Unwrap(list[i]);
                    if (item != null && !TryToInput(item, out inputs[i])) return inputData;
                }
                return inputs;
            }
            // Anything else is left to PowerShell's binding: an object with an Atr property binds by that name. One
            // input is returned as the array -Atr is, which spares PowerShell building that array by reflection.
            if (!TryToInput(value, out AtrInput input)) return inputData;
            return input == null ? null : new[] { input };
        }

        private static bool TryToInput(object value, out AtrInput input)
        {
            input = ToInput(value);
            return input != null || value is SmartCardReader;
        }

        /// <summary>One input as an ATR; null for a reader without a card and for what is not an ATR input at
        /// all.</summary>
        private static AtrInput ToInput(object value)
        {
            switch (value)
            {
                case string text: return AtrInput.FromText(text);
                case byte[] bytes: return AtrInput.FromBytes(bytes);
                case SmartCardReader reader: return reader.Atr == null ? null : AtrInput.FromText(reader.Atr);
                case IConvertible number when !(value is char) && number.GetTypeCode() >= TypeCode.SByte && number.GetTypeCode() <= TypeCode.Decimal:
                    return AtrInput.FromNumber(number.ToString(CultureInfo.InvariantCulture));
                default: return null;
            }
        }

        private static object Unwrap(object o) => o is PSObject pso ? pso.BaseObject : o;
    }
}
