# PKCS#11: dot-sourced by build/Demo.ps1 after it imported the module and inserted the virtual cards
# ($Pcsc is the PC/SC fixture). Runs as root in the private namespace, whose p11-kit registry
# (/etc/pkcs11 and the package module directory) is private, so it registers modules freely and
# removes what it wrote at the end.

Write-Host "`n=== PKCS#11 modules, tokens and mechanisms (p11-kit's registry) ===" -ForegroundColor Cyan
$demoHsm = [SmartCardPS.TestFixture.SoftHsmFixture]::Start([string[]]@('Demo token', 'Signing key'))
try {
    $demoHsm.Register('softhsm2') | Out-Null

    Write-Host "`n--- Get-Pkcs11Module (like p11-kit list-modules) ---" -ForegroundColor Yellow
    Get-Pkcs11Module | Format-Table -AutoSize | Out-Host

    Write-Host "--- Get-Pkcs11Token (like p11tool --list-tokens) ---" -ForegroundColor Yellow
    Get-Pkcs11Token | Format-Table -AutoSize | Out-Host
    Get-Pkcs11Token -Label 'Demo token' | Format-List Label, Flags, Uri, SlotId, MinPinLength, MaxPinLength | Out-Host

    Write-Host "--- Get-Pkcs11Token -Label 'Demo token' | Get-Pkcs11Mechanism | Select-Object -First 5 ---" -ForegroundColor Yellow
    Get-Pkcs11Token -Label 'Demo token' | Get-Pkcs11Mechanism | Select-Object -First 5 | Format-Table -AutoSize | Out-Host

    Write-Host "--- Get-Pkcs11Mechanism -Uri '...' | Where-Object Flags -band Sign | Measure-Object ---" -ForegroundColor Yellow
    $uri = (Get-Pkcs11Token -Label 'Signing key').Uri
    Write-Host "${uri}: $((Get-Pkcs11Mechanism -Uri $uri | Where-Object { $_.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11MechanismFlags]::Sign) }).Count) signing mechanisms"

    Write-Host "`n--- Register-OpenScModule -WhatIf (the ArchWiki recipe, as a cmdlet) ---" -ForegroundColor Yellow
    Register-OpenScModule -WhatIf

    Write-Host "`n--- Register-OpenScModule; Get-Pkcs11Token -Module opensc -IncludeEmptySlots ---" -ForegroundColor Yellow
    Register-OpenScModule | Format-List Name, Path, ConfigFile, Source, LibraryDescription, LibraryVersion | Out-Host
    Get-Pkcs11Token -Module opensc -IncludeEmptySlots | Format-Table -AutoSize | Out-Host
    Write-Host "--- Register-OpenScModule again: already registered, nothing changes ---" -ForegroundColor Yellow
    Register-OpenScModule -ErrorAction SilentlyContinue -ErrorVariable again | Out-Null
    Write-Host $again[0].Exception.Message
    Unregister-OpenScModule
    Write-Host "Unregister-OpenScModule: $(@(Get-Pkcs11Module).Name -join ', ') remain registered"
}
finally {
    $demoHsm.Dispose()
    Get-ChildItem /etc/pkcs11 -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
}
