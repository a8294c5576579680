using System.Management.Automation;
using System;
using SmartCardPS.Os;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// What Pkcs11RegisterCmdlet and Pkcs11UnregisterCmdlet share, composed into both: the core's registrar, the
    /// config file that the parameters name, and the registrar's refusals mapped to error records (reason = failure).
    /// </summary>
    internal sealed class Pkcs11RegistrationSteps
    {
        private readonly SmartCardCmdlet cmdlet;
        private readonly Pkcs11Run pkcs11;
        private Pkcs11Registrar registrar;

        internal Pkcs11RegistrationSteps(SmartCardCmdlet cmdlet, Pkcs11Run pkcs11)
        {
            this.cmdlet = cmdlet;
            this.pkcs11 = pkcs11;
        }

        internal Pkcs11Registrar Registrar => registrar ?? (registrar = new Pkcs11Registrar(pkcs11.Registry));

        /// <summary>
        /// The config file to write or remove: exactly <paramref name="path"/> when given (named after the module when
        /// <paramref name="pathNamesModule"/>), else name.module in -Scope's directory.
        /// </summary>
        internal string ConfigFile(string name, Pkcs11ConfigScope scope, string path, bool pathNamesModule = false)
        {
            if (path != null) return Pkcs11Registrar.CheckConfigPath(path, pkcs11.FullPath(path), pathNamesModule ? name : null);
            bool scopeGiven = cmdlet.MyInvocation.BoundParameters.ContainsKey("Scope");
            return Registrar.ConfigFileFor(name, scopeGiven ? scope : (Pkcs11ConfigScope?)null);
        }

        /// <summary>Runs one registration step; a refusal is one error record whose reason is the failure, with the
        /// remedy for permission problems.</summary>
        internal void Run(Action action, string permissionAdvice)
        {
            try
            {
                action();
            }
            catch (UnsafePathException ex)
            {
                cmdlet.TryWriteUnsafePathError(ex, ex.Path);
            }
            catch (Pkcs11RegistrationException ex)
            {
                Exception shown = ex.InnerException as Pkcs11ModuleException ?? (Exception)ex;
                if (ex.Failure == Pkcs11RegistrationFailure.PermissionDenied) shown = new UnauthorizedAccessException(ex.Message + " " + permissionAdvice, ex);
                cmdlet.WriteError(cmdlet.NewError(shown, ex.Failure.ToString(), CategoryOf(ex), ex.Target));
            }
        }

        private static ErrorCategory CategoryOf(Pkcs11RegistrationException ex)
        {
            if (ex.InnerException is Pkcs11ModuleException module) return SmartCardCmdlet.CategoryOf(module.Kind);
            switch (ex.Failure)
            {
                case Pkcs11RegistrationFailure.AlreadyRegistered:
                case Pkcs11RegistrationFailure.FileExists: return ErrorCategory.ResourceExists;
                case Pkcs11RegistrationFailure.NotFound: return ErrorCategory.ObjectNotFound;
                case Pkcs11RegistrationFailure.NotPkcs11: return ErrorCategory.InvalidData;
                case Pkcs11RegistrationFailure.NotOpenSc: return ErrorCategory.InvalidOperation;
                case Pkcs11RegistrationFailure.InvalidName:
                case Pkcs11RegistrationFailure.InvalidPath:
                case Pkcs11RegistrationFailure.InvalidValue: return ErrorCategory.InvalidArgument;
                case Pkcs11RegistrationFailure.PermissionDenied: return ErrorCategory.PermissionDenied;
                case Pkcs11RegistrationFailure.UserScopeAsRoot:
                case Pkcs11RegistrationFailure.UserScopeNotRead: return ErrorCategory.InvalidOperation;
                case Pkcs11RegistrationFailure.UntrustedLibrary: return ErrorCategory.SecurityError;
                case Pkcs11RegistrationFailure.NotSupported: return ErrorCategory.NotImplemented;
                default: return ErrorCategory.WriteError;
            }
        }
    }
}
