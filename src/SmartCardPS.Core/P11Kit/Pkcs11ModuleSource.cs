namespace SmartCardPS.P11Kit
{
    /// <summary>Which of p11-kit's config locations a module's settings come from.</summary>
    public enum Pkcs11ModuleSource
    {
        /// <summary>Not registered: a library path given directly.</summary>
        None = 0,
        /// <summary>Installed with a package (/usr/share/p11-kit/modules).</summary>
        Package = 1,
        /// <summary>The administrator's configs (/etc/pkcs11/modules).</summary>
        System = 2,
        /// <summary>The user's configs (~/.config/pkcs11/modules).</summary>
        User = 3,
    }
}
