namespace SmartCardPS.Pkcs11
{
    /// <summary>Where <see cref="Pkcs11PinSource.Resolve"/> found a PIN, in the order it looks.</summary>
    public enum Pkcs11PinOrigin
    {
        /// <summary>None anywhere, and the prompt gave none (or the session cannot prompt).</summary>
        None,

        /// <summary>The caller's SecureString (-Pin, or -Credential's password).</summary>
        Given,

        /// <summary>The pkcs11: URI's pin-value.</summary>
        UriPinValue,

        /// <summary>The first line of the URI's pin-source file.</summary>
        UriPinSource,

        /// <summary>No PIN bytes: the reader's PIN pad asks (the token has a protected authentication path).</summary>
        PinPad,

        /// <summary>Typed at the prompt.</summary>
        Prompt,
    }
}
