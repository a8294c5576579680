using System;
using System.Collections.Generic;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Relabels PKCS#11 objects or changes their id (C_SetAttributeValue), as p11tool --set-label
    /// and --set-id do.</para>
    /// <para type="description">Takes objects piped from Get-Pkcs11Object, a pkcs11: URI naming objects, or -Token with
    /// -Label, -Id and -Type, like Remove-Pkcs11Object: a selection that matches several objects changes none without
    /// -Force and lists them. -NewLabel sets CKA_LABEL and -NewId CKA_ID, both in one call per object, so both change
    /// or neither; when the token refuses one of several, those changed before it are put back. Data objects have no
    /// CKA_ID (the module refuses it with CKR_ATTRIBUTE_TYPE_INVALID). The user logs
    /// in first when the token requires it, once; a wrong PIN is reported once and never retried. With -PassThru it
    /// emits each object as it is now, with its new Uri. -WhatIf loads no module.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Object -Token MyToken -Type Certificate -Label 'My cert' |
    ///     Set-Pkcs11Object -NewLabel 'My cert' -NewId 01 -Pin (ConvertTo-SecureString 1234 -AsPlainText -Force) `
    ///         -PassThru</code>
    /// <para>Sets the id of the certificate labelled 'My cert' on MyToken to 01 (the id of its key, so OpenSSH and
    /// Firefox pair them) and shows it with its new Uri.</para>
    /// </example>
    /// <example>
    /// <code>Set-Pkcs11Object -Uri 'pkcs11:token=MyToken;object=My%20cert;type=cert' -NewLabel 'Renamed cert' `
    ///     -WhatIf</code>
    /// <para>Shows which object would be relabelled; nothing is loaded or changed.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "Pkcs11Object", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ObjectSet)]
    [OutputType(typeof(Pkcs11Object))]
    public sealed class SetPkcs11ObjectCommand : Pkcs11ObjectWriteCmdlet
    {
        /// <summary>
        /// <para type="description">The new CKA_LABEL.</para>
        /// </summary>
        [Parameter(HelpMessage = "The new label.")]
        [ValidateNotNull]
        public string NewLabel { get; set; }

        /// <summary>
        /// <para type="description">The new CKA_ID in hex (0102ff, 01:02:ff and '01 02 ff' are the same).</para>
        /// </summary>
        [Parameter(HelpMessage = "The new id in hex.")]
        [ValidateNotNullOrEmpty]
        public string NewId { get; set; }

        /// <summary>
        /// <para type="description">Emit each changed object as it is now.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private byte[] newIdBytes;

        protected override string Action =>
            "Set " + (NewLabel != null ? $"the label to {UntrustedText.Quote(NewLabel)}" : string.Empty) + (NewLabel != null && NewId != null ? " and " : string.Empty)
            + (NewId != null ? $"the id to {Hex.FormatLower(newIdBytes ?? Array.Empty<byte>())}" : string.Empty);

        protected override void CheckParameters()
        {
            if (NewLabel == null && NewId == null)
            {
                ThrowTerminatingError(NewError(new ArgumentException("Give -NewLabel, -NewId or both."), "ChangeRequired", ErrorCategory.InvalidArgument, null));
            }
            newIdBytes = HexIdOrStop(NewId, "-NewId");
        }

        private protected override List<Pkcs11Object> Apply(Pkcs11WriteTarget target, Pkcs11ObjectQuery query, Func<IReadOnlyList<Pkcs11Object>, IEnumerable<Pkcs11Object>> choose)
        {
            List<Pkcs11Object> changed = Pkcs11Provisioner.Update(target.Library, target.Token, query, NewLabel, newIdBytes, choose);
            if (PassThru) WriteObject(changed, enumerateCollection: true);
            return changed;
        }
    }
}
