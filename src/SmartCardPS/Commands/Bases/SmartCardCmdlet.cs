using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SmartCardPS.Interop;
using SmartCardPS.Os;
using SmartCardPS.Parameters;
using SmartCardPS.Pcsc;
using SmartCardPS.Pkcs11;
using SmartCardPS.Text;

namespace SmartCardPS.Commands.Bases
{
    /// <summary>
    /// The root of every cmdlet: shared error mapping (ids are Verb+Noun+Reason, so every cmdlet's ids are stable and
    /// distinct), -WhatIf, and the run's PKCS#11 use (<see cref="Pkcs11"/>), made on first use and released when the
    /// pipeline ends. A cmdlet derives from this or from one role base that derives from it (LayerRules).
    /// </summary>
    public abstract class SmartCardCmdlet : PSCmdlet, IDisposable
    {
        private string idPrefix;
        private Pkcs11Run pkcs11;

        /// <summary>This run's registry, libraries, tokens and PINs; a cmdlet that never touches it loads
        /// nothing.</summary>
        private protected Pkcs11Run Pkcs11 => pkcs11 ?? (pkcs11 = new Pkcs11Run(this));

        /// <summary>
        /// -WhatIf (or $WhatIfPreference): a writer describes what it would do from its input alone, so that no module
        /// is loaded and none of a module's code runs.
        /// </summary>
        protected internal bool WhatIfOnly
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object given)) return LanguagePrimitives.IsTrue(given);
                return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
            }
        }

        /// <summary>Gives up the libraries this run loaded; a cmdlet that overrides it calls it last.</summary>
        protected override void EndProcessing() => pkcs11?.End();

        /// <summary>Cancels the wait for a module stuck in a call (the call keeps its library alive until it
        /// returns).</summary>
        protected override void StopProcessing() => pkcs11?.Stop();

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        /// <summary>The end of a pipeline that stopped early as well: the libraries are given up here too.</summary>
        protected virtual void Dispose(bool disposing)
        {
            if (disposing) pkcs11?.Dispose();
        }

        /// <summary>Verb+Noun of this cmdlet, e.g. GetSmartCardReader.</summary>
        protected string ErrorIdPrefix
        {
            get
            {
                if (idPrefix == null)
                {
                    var attr = (CmdletAttribute)Attribute.GetCustomAttribute(GetType(), typeof(CmdletAttribute));
                    idPrefix = attr.VerbName + attr.NounName;
                }
                return idPrefix;
            }
        }

        protected internal ErrorRecord NewError(Exception exception, string reason, ErrorCategory category, object target) =>
            new ErrorRecord(exception, ErrorIdPrefix + reason, category, target);

        /// <summary>
        /// The bytes of a CKA_ID given as hex (<paramref name="value"/> of <paramref name="parameter"/>, e.g. "-Id");
        /// null for null. Anything else stops the command with InvalidId, as one wrong id would fail every item.
        /// </summary>
        protected byte[] HexIdOrStop(string value, string parameter)
        {
            if (value == null) return null;
            byte[] bytes = Hex.TryParse(value);
            if (bytes == null)
            {
                ThrowTerminatingError(NewError(new ArgumentException($"{parameter} {UntrustedText.Quote(value)} is not hex: give bytes as 0102ff or 01:02:ff."),
                    "InvalidId", ErrorCategory.InvalidArgument, value));
            }
            return bytes;
        }

        /// <summary>
        /// A read or write the core refused to keep root off files another user controls, as one error whose reason is
        /// <see cref="UnsafePathReason"/> (SymbolicLink, NotRegularFile, UntrustedDirectory, HardLink, ReadOnly,
        /// Locked, TooLarge); false when <paramref name="exception"/> is not such a refusal.
        /// </summary>
        protected internal bool TryWriteUnsafePathError(Exception exception, object target)
        {
            if (!(exception is UnsafePathException unsafePath)) return false;
            WriteError(NewError(unsafePath, unsafePath.Reason.ToString(), CategoryOf(unsafePath.Reason), target ?? unsafePath.Path));
            return true;
        }

        /// <summary>
        /// A failed write of <paramref name="path"/> as one error, the same in every writer: the core's refusal to
        /// follow
        /// another user's file by its reason, the file system's "permission denied" as PermissionDenied naming the file
        /// and saying <paramref name="remedy"/>, anything else as <paramref name="failedReason"/> (WriteFailed).
        /// </summary>
        protected void WriteFileError(Exception exception, string path, string remedy, object target = null, string failedReason = "WriteFailed")
        {
            target = target ?? path;
            if (TryWriteUnsafePathError(exception, target)) return;
            if (exception is UnauthorizedAccessException)
            {
                WriteError(NewError(new UnauthorizedAccessException($"Permission denied writing {UntrustedText.Quote(path)}: {remedy}", exception),
                    "PermissionDenied", ErrorCategory.PermissionDenied, target));
                return;
            }
            WriteError(NewError(exception, failedReason, ErrorCategory.WriteError, target));
        }

        internal static ErrorCategory CategoryOf(UnsafePathReason reason)
        {
            switch (reason)
            {
                case UnsafePathReason.ReadOnly: return ErrorCategory.PermissionDenied;
                case UnsafePathReason.Locked: return ErrorCategory.ResourceBusy;
                case UnsafePathReason.TooLarge: return ErrorCategory.InvalidData;
                default: return ErrorCategory.SecurityError;
            }
        }

        /// <summary>
        /// Stops with InvalidArgument, naming the parameter and the character escaped, when a value that goes into
        /// <paramref name="file"/> holds a control character (see ConfigValue); call it before anything is read or
        /// written.
        /// </summary>
        protected void ThrowOnControlCharacter(string parameter, string value, string file, string reason = "ControlCharacter")
        {
            string problem = ConfigValue.ControlCharacterProblem(parameter, value, file);
            if (problem != null) ThrowTerminatingError(NewError(new ArgumentException(problem, parameter), reason, ErrorCategory.InvalidArgument, value));
        }

        /// <summary>A PC/SC failure as an ErrorRecord; the reason is the code's name, so ids never drift from the
        /// native code.</summary>
        protected ErrorRecord NewPcscError(PcscException exception, object target) =>
            NewError(exception, exception.Error.ToString(), CategoryOf(exception.Error), target);

        /// <summary>No service, no library: nothing else can work, so stop the pipeline.</summary>
        protected void ThrowPcscError(PcscException exception, object target = null) =>
            ThrowTerminatingError(NewPcscError(exception, target));

        /// <summary>
        /// The items matching any of <paramref name="names"/> (exact when any item has that name, else as wildcards;
        /// case-insensitive), in order and
        /// without repeats. As Get-Process does, a literal name that matches nothing writes ObjectNotFound with reason
        /// NotFound, and a wildcard that matches nothing writes nothing.
        /// </summary>
        protected List<T> SelectByName<T>(IReadOnlyCollection<T> items, IEnumerable<string> names, Func<T, string> nameOf,
            Func<string, string> notFoundMessage)
        {
            var filter = new NameFilter(names).Among(items.Select(nameOf));
            var selected = new List<T>();
            foreach (string name in filter.Names)
            {
                selected.AddRange(items.Where(item => filter.IsMatch(name, nameOf(item)) && !selected.Contains(item)));
            }
            WriteNotFound(filter, notFoundMessage);
            return selected;
        }

        /// <summary>One ObjectNotFound error (reason NotFound) per literal name of <paramref name="filter"/> that
        /// matched nothing.</summary>
        /// <paramref name="target"/> gives the error's target for a name (the name itself by default).
        internal void WriteNotFound(NameFilter filter, Func<string, string> notFoundMessage, string reason = "NotFound", Func<string, string> target = null)
        {
            foreach (string name in filter.UnmatchedLiterals)
            {
                WriteError(NewError(new ItemNotFoundException(notFoundMessage(name)), reason, ErrorCategory.ObjectNotFound, target == null ? name : target(name)));
            }
        }

        internal static ErrorCategory CategoryOf(Pkcs11FailureKind kind)
        {
            switch (kind)
            {
                case Pkcs11FailureKind.NotFound: return ErrorCategory.ObjectNotFound;
                case Pkcs11FailureKind.NotLoadable:
                case Pkcs11FailureKind.NotPkcs11: return ErrorCategory.InvalidData;
                case Pkcs11FailureKind.Untrusted: return ErrorCategory.SecurityError;
                default: return ErrorCategory.DeviceError;
            }
        }


        internal static ErrorCategory CategoryOf(ScardError error)
        {
            switch (error)
            {
                case ScardError.NoService:
                case ScardError.ServiceStopped:
                case ScardError.CommError:
                case ScardError.Shutdown:
                case ScardError.ErrorBrokenPipe:
                case ScardError.NoReadersAvailable:
                case ScardError.ReaderUnavailable:
                    return ErrorCategory.ResourceUnavailable;
                case ScardError.UnknownReader:
                case ScardError.NoSmartCard:
                case ScardError.RemovedCard:
                    return ErrorCategory.ObjectNotFound;
                case ScardError.SharingViolation:
                    return ErrorCategory.ResourceBusy;
                case ScardError.NoAccess:
                case ScardError.SecurityViolation:
                case ScardError.InvalidChv:
                case ScardError.WrongChv:
                case ScardError.ChvBlocked:
                    return ErrorCategory.PermissionDenied;
                case ScardError.Timeout:
                    return ErrorCategory.OperationTimeout;
                case ScardError.Cancelled:
                case ScardError.SystemCancelled:
                case ScardError.CancelledByUser:
                    return ErrorCategory.OperationStopped;
                case ScardError.InvalidAtr:
                    return ErrorCategory.InvalidData;
                case ScardError.InvalidParameter:
                case ScardError.InvalidValue:
                    return ErrorCategory.InvalidArgument;
                case ScardError.ErrorInvalidFunction:
                case ScardError.ErrorNotSupported:
                    return ErrorCategory.NotImplemented;
                default:
                    return ErrorCategory.DeviceError;
            }
        }
    }
}
