using System.Management.Automation;
using SmartCardPS.P11Kit;
using SmartCardPS.Text;

namespace SmartCardPS.Parameters
{
    /// <summary>
    /// A p11-kit module name (the config file name without .module), checked when the parameter binds: one that
    /// p11-kit would not read, or that would leave the config directory ('../x', 'a/b'), is refused.
    /// </summary>
    internal sealed class ValidatePkcs11ModuleNameAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            string name = arguments as string;
            if (!Pkcs11Registrar.IsValidName(name))
                throw new ValidationMetadataException($"{UntrustedText.Quote(name)} is not a module name p11-kit reads: {Pkcs11Registrar.NameRule}.");
        }
    }
}
