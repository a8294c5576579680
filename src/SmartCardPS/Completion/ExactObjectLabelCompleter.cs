namespace SmartCardPS.Completion
{
    /// <summary>
    /// Completes an exact CKA_LABEL (Remove-Pkcs11Object and Set-Pkcs11Object -Label): the labels
    /// <see cref="ObjectLabelCompleter"/> offers, quoted but not wildcard-escaped, since such a -Label is no pattern.
    /// </summary>
    internal sealed class ExactObjectLabelCompleter : ObjectLabelCompleter
    {
        protected override bool Wildcards => false;
    }
}
