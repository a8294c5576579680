using SmartCardPS.Pkcs11;
namespace SmartCardPS.Nss
{
    /// <summary>
    /// Whether a file is a shared library exporting C_GetFunctionList, asked of the dynamic loader only: the
    /// module is never initialised, so checking p11-kit-proxy does not start every p11-kit module (and OpenSC
    /// does not wait on readers). Firefox shows a module that fails this as a device that cannot be loaded.
    /// </summary>
    internal static class Pkcs11Export
    {
        /// <summary>Null when the library exports C_GetFunctionList (or where the loader cannot be asked); else why not.</summary>
        public static string Problem(string library)
        {
            string message = NativeLoader.LoaderMessage(library);
            if (message != null) return "is not a loadable shared library (" + message + ")";
            return NativeLoader.Exports(library, "C_GetFunctionList") == false
                ? "does not export C_GetFunctionList, so it is not a PKCS#11 module"
                : null;
        }
    }
}
