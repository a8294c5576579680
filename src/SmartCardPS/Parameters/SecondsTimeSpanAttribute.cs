using System;
using System.Management.Automation;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// Lets a TimeSpan parameter take a plain number as seconds: PowerShell's own conversion reads 5 as five
    /// ticks, which no one typing -Timeout 5 means. Strings ('00:01:30') and TimeSpans pass through.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class SecondsTimeSpanAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case int i: return TimeSpan.FromSeconds(i);
                case long l: return TimeSpan.FromSeconds(l);
                case double d: return TimeSpan.FromSeconds(d);
                case decimal m: return TimeSpan.FromSeconds((double)m);
                default: return inputData;
            }
        }
    }
}
