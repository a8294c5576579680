# -ModulePath of the four cmdlets that register a library (Register-NssModule, Register-OpenScModule,
# Register-Pkcs11Module, Set-FirefoxSecurityDevicePolicy) is read alike: a bare file name is a library in p11-kit's
# module directory, never a file of the current location (as PowerShell runs no command from there without .\); a
# relative path is taken from PowerShell's location (Set-Location), not the process's working directory.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:Scratch = New-TestDirectory 'modulepath'
    $script:Db = New-TestNssDatabase
    $script:SavedCwd = [Environment]::CurrentDirectory
    # A PKCS#11 library copied into the current location under a name p11-kit's module directory does not hold.
    Copy-Item $SoftHsmLibrary (Join-Path $Scratch 'mylib.so')
    # The four registrations, each into scratch files only (-Path, -PolicyPath, -NssDatabase).
    $script:Register = @{
        'Register-NssModule' = { param($m) (Register-NssModule -Name Lib -ModulePath $m -NssDatabase $Db -ErrorAction Stop).Library }
        'Register-Pkcs11Module' = { param($m) (Register-Pkcs11Module -Name lib -ModulePath $m -Path "$Scratch/lib.module" -Force -ErrorAction Stop).Path }
        'Register-OpenScModule' = { param($m) (Register-OpenScModule -ModulePath $m -Path "$Scratch/opensc.module" -Force -ErrorAction Stop).Path }
        'Set-FirefoxSecurityDevicePolicy' = { param($m) (Set-FirefoxSecurityDevicePolicy -Name Lib -ModulePath $m -PolicyPath "$Scratch/policies.json" -ErrorAction Stop).Add['Lib'] }
    }
}

AfterAll {
    [Environment]::CurrentDirectory = $SavedCwd
    Remove-Item $Scratch, $Db -Recurse -Force -ErrorAction SilentlyContinue
}

Describe '-ModulePath of the cmdlets that register a library' -Skip:$NssToolsMissing {
    AfterEach {
        Pop-Location -ErrorAction SilentlyContinue
        [Environment]::CurrentDirectory = $SavedCwd
        Remove-Item "$Scratch/*.module", "$Scratch/policies.json" -Force -ErrorAction SilentlyContinue
        & modutil -dbdir "sql:$Db" -force -delete Lib 2>$null | Out-Null
    }

    It '<Cmdlet> refuses a bare file name that only the current location holds, and says to write ./name' -TestCases @(
        @{ Cmdlet = 'Register-NssModule' }
        @{ Cmdlet = 'Register-Pkcs11Module' }
        @{ Cmdlet = 'Register-OpenScModule' }
        @{ Cmdlet = 'Set-FirefoxSecurityDevicePolicy' }
    ) {
        Push-Location $Scratch
        [Environment]::CurrentDirectory = $Scratch
        $err = { & $Register[$Cmdlet] 'mylib.so' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "$($Cmdlet -replace '-')NotFound,SmartCardPS.Commands.$($Cmdlet -replace '-')Command"
        $err.Exception.Message | Should -BeLike "*p11-kit's module directory*./mylib.so*"
        @(Get-ChildItem $Scratch -Filter '*.module').Count | Should -Be 0
        Test-Path "$Scratch/policies.json" | Should -BeFalse
        @(Get-ModutilList $Db).Count | Should -Be 0
    }

    It '<Cmdlet> takes ./name for that file, written as its full path' -TestCases @(
        @{ Cmdlet = 'Register-NssModule' }
        @{ Cmdlet = 'Set-FirefoxSecurityDevicePolicy' }
    ) {
        # The two that never load the library (the p11-kit ones load it, and refuse a library under /tmp as root).
        Push-Location $Scratch
        & $Register[$Cmdlet] './mylib.so' | Should -Be (Join-Path $Scratch 'mylib.so')
    }

    It '<Cmdlet> takes a relative path from Set-Location''s location, not the process''s working directory' -TestCases @(
        @{ Cmdlet = 'Register-NssModule'; Library = $SoftHsmLibrary }
        @{ Cmdlet = 'Register-Pkcs11Module'; Library = $SoftHsmLibrary }
        @{ Cmdlet = 'Register-OpenScModule'; Library = $OpenScLibraryPath }
        @{ Cmdlet = 'Set-FirefoxSecurityDevicePolicy'; Library = $SoftHsmLibrary }
    ) {
        $Library | Should -BeLike '/usr/lib/*/*'
        Push-Location /usr/lib
        # The process's directory holds no such path: only PowerShell's location finds the library.
        [Environment]::CurrentDirectory = $Scratch
        $relative = $Library.Substring('/usr/lib/'.Length)
        Test-Path (Join-Path $Scratch $relative) | Should -BeFalse
        & $Register[$Cmdlet] $relative | Should -Be $Library
    }

    It '<Cmdlet> finds a bare file name in p11-kit''s module directory, from any location' -TestCases @(
        @{ Cmdlet = 'Register-NssModule' }
        @{ Cmdlet = 'Register-OpenScModule' }
        @{ Cmdlet = 'Set-FirefoxSecurityDevicePolicy' }
    ) {
        $moduleDir = & pkg-config --variable=p11_module_path p11-kit-1
        Test-Path "$moduleDir/opensc-pkcs11.so" | Should -BeTrue
        Push-Location $Scratch
        [Environment]::CurrentDirectory = $Scratch
        & $Register[$Cmdlet] 'opensc-pkcs11.so' | Should -Be "$moduleDir/opensc-pkcs11.so"
    }
}
