using System;
using System.Management.Automation;
using System.Security;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a data object (CKO_DATA) to a PKCS#11 token, as pkcs11-tool --write-object --type
    /// data does.</para>
    /// <para type="description">Takes the value from -Path (any file, up to 1 MiB; files piped from Get-ChildItem bind
    /// here) or -Value (bytes), and one token (-Token, a label, or a pkcs11: URI). The object gets CKA_LABEL,
    /// CKA_APPLICATION and CKA_VALUE; with -Private it is a private object, readable only after a login. The user logs
    /// in first when the object is private, the token requires a login, or a PIN is given (from -Pin, -Credential, the
    /// URI's pin-value or pin-source, the PIN pad, or a prompt), once; a wrong PIN is reported once and never retried.
    /// Emits the new Pkcs11Object with its Uri. -WhatIf loads no module.</para>
    /// </summary>
    /// <example>
    /// <code>Import-Pkcs11Object -Uri 'pkcs11:token=MyToken?pin-value=1234' `
    ///     -Value ([Text.Encoding]::UTF8.GetBytes('host=build-07')) -Label 'agent config' -Application 'ci' `
    ///     -Private</code>
    /// <para>Stores a private data object on MyToken (the PIN in the URI is a test token's) and shows it with its
    /// URI.</para>
    /// </example>
    [Cmdlet(VerbsData.Import, "Pkcs11Object", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = TokenSet)]
    [OutputType(typeof(Pkcs11Object))]
    public sealed class ImportPkcs11ObjectCommand : Pkcs11WriteCmdlet
    {
        /// <summary>
        /// <para type="description">The file whose bytes become the object's value (relative to the current
        /// location).</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true, HelpMessage = "The file holding the value.")]
        [Alias("FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>
        /// <para type="description">The value as bytes.</para>
        /// </summary>
        [Parameter(HelpMessage = "The value as bytes.")]
        [ValidateNotNull]
        public byte[] Value { get; set; }

        /// <summary>
        /// <para type="description">The object's label (CKA_LABEL).</para>
        /// </summary>
        [Parameter(Mandatory = true, HelpMessage = "The object label.")]
        [ValidateNotNull]
        public string Label { get; set; }

        /// <summary>
        /// <para type="description">The application the object belongs to (CKA_APPLICATION), as pkcs11-tool
        /// --application-label sets it.</para>
        /// </summary>
        [Parameter(HelpMessage = "The application (CKA_APPLICATION).")]
        [ValidateNotNull]
        public string Application { get; set; }

        /// <summary>
        /// <para type="description">Make it a private object (CKA_PRIVATE): listed and read only after a login.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Private { get; set; }

        /// <summary>
        /// <para type="description">The user PIN, as a SecureString; used when the object is private or the token
        /// requires a login.</para>
        /// </summary>
        [Parameter(HelpMessage = "The user PIN as a SecureString.")]
        [ValidateNotNull]
        public SecureString Pin { get; set; }

        /// <summary>
        /// <para type="description">A credential whose password is the user PIN (the user name is not used).</para>
        /// </summary>
        [Parameter(HelpMessage = "A credential whose password is the user PIN.")]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; }

        protected override void BeginProcessing() => Pkcs11.RefuseTwoPins(Pin, Credential);

        protected override void ProcessRecord()
        {
            if ((Path == null) == (Value == null))
            {
                WriteError(NewError(new ArgumentException("Give the value once: -Path or -Value."), "ValueRequired", ErrorCategory.InvalidArgument, null));
                return;
            }
            string action = $"Write {(Private ? "private " : string.Empty)}data object {UntrustedText.Quote(Label)}";
            ImportToToken(action, Pin ?? Credential?.Password, () => Value ?? ReadInputFile(Pkcs11.FullPath(Path)),
                token => Private || token.Flags.HasFlag(Pkcs11TokenFlags.LoginRequired),
                (target, value, login, pin) => Pkcs11Provisioner.ImportData(target.Library, target.Token, value, Label, Application, Private, login, pin));
        }
    }
}
