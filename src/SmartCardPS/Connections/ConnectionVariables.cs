using System;
using System.Management.Automation;
using System.Text.RegularExpressions;
using SmartCardPS.Pcsc;

namespace SmartCardPS.Connections
{
    /// <summary>
    /// The variable of the caller's session that holds a connection ($card), so an error about that connection can
    /// name it and give a command that closes it. Looked up only when such an error is written.
    /// </summary>
    internal static class ConnectionVariables
    {
        private static readonly Regex Plain = new Regex(@"\A[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant);

        /// <summary>'$name' (or '${name}') of a variable visible to <paramref name="cmdlet"/> whose value is
        /// <paramref name="connection"/>; null when none is.</summary>
        public static string Of(PSCmdlet cmdlet, SmartCardConnection connection)
        {
            try
            {
                foreach (PSObject item in cmdlet.InvokeCommand.InvokeScript("Get-Variable"))
                {
                    if (!(item.BaseObject is PSVariable variable)) continue;
                    object value = variable.Value is PSObject wrapped ? wrapped.BaseObject : variable.Value;
                    // $_ and $PSItem hold it only for a moment, inside someone else's pipeline.
                    if (!ReferenceEquals(value, connection) || variable.Name == "_" || variable.Name == "PSItem") continue;
                    return Plain.IsMatch(variable.Name) ? "$" + variable.Name : "${" + variable.Name.Replace("}", "`}") + "}";
                }
            }
            catch (Exception ex) when (ex is RuntimeException || ex is InvalidOperationException)
            {
                // A restricted or constrained session may not run Get-Variable: the message then names the reader instead.
            }
            return null;
        }
    }
}
