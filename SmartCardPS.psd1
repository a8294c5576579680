@{
    RootModule           = 'SmartCardPS.dll'
    # Stamped by build.ps1 from Directory.Build.props, the one place the version is kept.
    ModuleVersion        = '0.0.0'
    GUID                 = '5b0f3c1e-8a57-4c1d-9a4e-2f6d3b8c7e10'
    Author               = 'SmartCardPS contributors'
    CompanyName          = 'SmartCardPS'
    Copyright            = '(c) SmartCardPS contributors. All rights reserved.'
    Description          = 'Smart-card readers, ATRs and PKCS#11 tokens as PowerShell objects: one PC/SC and PKCS#11 core instead of pcsc_scan, ATR_analysis, opensc-tool, pkcs11-tool and p11tool.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    # build.ps1 joins src/SmartCardPS/Formats/*.Format.ps1xml into this one file: PowerShell pays per format file at import.
    FormatsToProcess     = @('SmartCardPS.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-SmartCardReader'
        'Get-SmartCardClient'
        'Watch-SmartCard'
        'Connect-SmartCard'
        'Disconnect-SmartCard'
        'Send-SmartCardApdu'
        'ConvertFrom-Atr'
        'Get-Pkcs11Module'
        'Get-Pkcs11Token'
        'Get-Pkcs11Mechanism'
        'Get-Pkcs11Object'
        'Export-Pkcs11Certificate'
        'Initialize-Pkcs11Token'
        'Set-Pkcs11Pin'
        'Reset-Pkcs11Pin'
        'Import-Pkcs11Certificate'
        'Import-Pkcs11Object'
        'Remove-Pkcs11Object'
        'Set-Pkcs11Object'
        'New-Pkcs11KeyPair'
        'Export-Pkcs11PublicKey'
        'New-Pkcs11CertificateRequest'
        'Test-Pkcs11Key'
        'Register-OpenScModule'
        'Unregister-OpenScModule'
        'Get-FirefoxProfile'
        'Get-NssModule'
        'Register-NssModule'
        'Unregister-NssModule'
        'Set-FirefoxSecurityDevicePolicy'
        'Register-Pkcs11Module'
        'Unregister-Pkcs11Module'
        'Get-OpenScConfiguration'
        'Set-OpenScConfiguration'
        'Get-SmartCardUsbDevice'
        'Test-SmartCardSetup'
        'New-SmartCardUdevRule'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('SmartCard', 'PCSC', 'PKCS11', 'ATR', 'OpenSC', 'p11-kit', 'NSS', 'Firefox', 'Linux', 'Windows', 'MacOS')
        }
    }
}
