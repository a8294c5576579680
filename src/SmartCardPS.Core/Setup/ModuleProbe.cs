using System;
using System.Collections.Generic;
using SmartCardPS.P11Kit;
using SmartCardPS.Pkcs11;

namespace SmartCardPS.Setup
{
    /// <summary>A PKCS#11 module p11-kit would load, and what loading it gave: its tokens, or why it failed.</summary>
    public sealed class ModuleProbe
    {
        public Pkcs11Module Module { get; set; }
        public IReadOnlyList<Pkcs11Token> Tokens { get; set; } = Array.Empty<Pkcs11Token>();
        public Pkcs11ModuleException Error { get; set; }
    }
}
