using System;
using System.Collections.Generic;
using System.Management.Automation;
using SmartCardPS.Commands.Bases;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes certificates, keys and data objects from PKCS#11 tokens (C_DestroyObject), as
    /// p11tool --delete and pkcs11-tool --delete-object do.</para>
    /// <para type="description">Takes objects piped from Get-Pkcs11Object, a pkcs11: URI naming objects (object=, id=,
    /// type=; the Uri of an object or a line p11tool prints), or -Token with -Label, -Id and -Type. A selection that
    /// matches several objects removes none without -Force and lists them; one that matches nothing is an error. Each
    /// object is confirmed by its Uri (ConfirmImpact High: PowerShell asks unless -Confirm:$false). The user logs in
    /// first when the token requires it (its PIN from -Pin, -Credential, the URI's pin-value or pin-source, the PIN
    /// pad, or a prompt), once, in a read-write session closed before the command returns; a wrong PIN is reported once
    /// and never retried. -WhatIf loads no module. Writes nothing to the pipeline; -Verbose names each object
    /// removed.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Pkcs11Object -Token MyToken -Label 'My cert' -Type Certificate | Remove-Pkcs11Object -WhatIf</code>
    /// <para>Shows which certificate would be removed from MyToken, by its URI; nothing is loaded or changed.</para>
    /// </example>
    /// <example>
    /// <code>Remove-Pkcs11Object -Uri 'pkcs11:token=MyToken;type=cert?pin-value=1234' -Force -WhatIf</code>
    /// <para>Shows the removal of every certificate on MyToken; without -WhatIf, -Force lets one URI remove them all
    /// after confirming each.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "Pkcs11Object", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ObjectSet)]
    public sealed class RemovePkcs11ObjectCommand : Pkcs11ObjectWriteCmdlet
    {
        protected override string Action => "Remove (C_DestroyObject)";

        private protected override List<Pkcs11Object> Apply(Pkcs11WriteTarget target, Pkcs11ObjectQuery query, Func<IReadOnlyList<Pkcs11Object>, IEnumerable<Pkcs11Object>> choose) =>
            Pkcs11Provisioner.Remove(target.Library, target.Token, query, choose);
    }
}
