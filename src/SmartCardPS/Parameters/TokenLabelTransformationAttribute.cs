using System.Collections.Generic;
using System.Collections;
using System.Management.Automation;
using System;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// Lets -Token take labels as well as tokens: 'Demo token' becomes a token known only by its label, which the
    /// cmdlet looks up among the tokens of the registered modules (exact label first, then as a wildcard).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class TokenLabelTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is string label) return Pkcs11Token.ForLabel(label);
            if (!(value is IEnumerable items) || value is Pkcs11Token) return inputData;
            var tokens = new List<object>();
            foreach (object item in items)
            {
                object element = item is PSObject w ? w.BaseObject : item;
                tokens.Add(element is string text ? Pkcs11Token.ForLabel(text) : element);
            }
            return tokens.ToArray();
        }
    }
}
