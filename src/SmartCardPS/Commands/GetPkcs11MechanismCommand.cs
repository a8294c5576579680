using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;
using Pkcs11Uri = Net.Pkcs11Interop.Common.Pkcs11Uri;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the mechanisms (algorithms) a PKCS#11 token supports.</para>
    /// <para type="description">For each token piped from Get-Pkcs11Token, or each token a pkcs11: URI names, emits one
    /// Pkcs11Mechanism per mechanism the token reports, as p11tool --list-mechanisms does: the CKM_ name and code, the
    /// minimum and maximum key size, and the flags by name (Encrypt, Decrypt, Sign, Verify, Digest, GenerateKeyPair,
    /// Wrap, Derive, ...). Without -Token or -Uri it lists the mechanisms of every token of every enabled registered
    /// module. A -Uri may name the token by any of token, manufacturer, model, serial, slot-description,
    /// slot-manufacturer, slot-id, library-description, library-manufacturer, library-version, and select the library
    /// with module-name or module-path; a path attribute RFC 7512 does not define is an InvalidUri error, an unknown
    /// query attribute is ignored. A module that cannot be used writes one non-terminating error; every module loaded
    /// is finalized before the command returns.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Token -Label MyToken | Get-Pkcs11Mechanism</code>
    /// <para>Lists the mechanisms of the token labelled MyToken.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Mechanism -Uri 'pkcs11:token=MyToken' | Where-Object { $_.Flags -band 'Sign' }</code>
    /// <para>Lists the signing mechanisms of the token the URI names.</para>
    /// </example>
    /// <example>
    /// <code>Get-Pkcs11Token | Get-Pkcs11Mechanism | Group-Object Token | Select-Object Name, Count</code>
    /// <para>Counts the mechanisms of every token.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "Pkcs11Mechanism", DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Mechanism))]
    public sealed class GetPkcs11MechanismCommand : Pkcs11TokenInputCmdlet
    {
        protected override void ProcessToken(Pkcs11Module module, Pkcs11Token token, string uri, Pkcs11Uri parsed)
        {
            Pkcs11Library library = Pkcs11.Open(module);
            if (library == null) return;
            try
            {
                WriteVerbose($"Listing the mechanisms of slot {token.SlotId} ({UntrustedText.Quote(token.Label)}) of module {UntrustedText.Quote(module.Name)}.");
                Pkcs11.Progress($"listing the mechanisms of slot {token.SlotId}");
                WriteObject(library.GetMechanisms(token, Pkcs11.WriteSlotError), enumerateCollection: true);
            }
            catch (Pkcs11ModuleException ex)
            {
                Pkcs11.WriteModuleError(ex, module);
            }
        }
    }
}
