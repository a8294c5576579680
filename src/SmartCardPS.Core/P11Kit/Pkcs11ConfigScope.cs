namespace SmartCardPS.P11Kit
{
    /// <summary>Which p11-kit config directory a module registration goes to.</summary>
    public enum Pkcs11ConfigScope
    {
        /// <summary>The system config directory (/etc/pkcs11/modules): every user, needs root.</summary>
        System,
        /// <summary>The user's config directory (~/.config/pkcs11/modules): this user only (p11-kit ignores it for root).</summary>
        User,
    }
}
