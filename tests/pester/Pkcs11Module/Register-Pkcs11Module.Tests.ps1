BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Custom HSM'
    $script:SoftHsmLibrary = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
    $script:Ykcs11Library = '/usr/lib/x86_64-linux-gnu/libykcs11.so'
    $script:HsmFile = Join-Path $SystemModuleDir 'my-hsm.module'
    # The code of a help example, run as a user would type it.
    function Invoke-HelpExample([string] $Command, [int] $Index) {
        $code = @((Get-Help $Command).Examples.Example)[$Index].Code
        & ([scriptblock]::Create($code))
    }
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Remove-TestUserPwsh
    Clear-TestRegistry
}

Describe 'Register-Pkcs11Module' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $script:Before = Get-P11KitListing
    }

    It 'registers SoftHSM under a name of our choosing; p11-kit lists it, p11tool loads it and sees its token' {
        $module = Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary
        $module.Name | Should -Be 'my-hsm'
        $module.ConfigFile | Should -Be $HsmFile
        $module.Source | Should -Be 'System'
        $module.Path | Should -Be $SoftHsmLibrary
        $module.LibraryManufacturer | Should -Be 'SoftHSM'
        # Outside p11-kit's module directory, so by full path.
        (Get-Content $HsmFile) | Should -Contain "module: $SoftHsmLibrary"
        (& stat -c '%a' $HsmFile) | Should -Be '644'
        $theirs = Get-P11KitModule | Where-Object Name -EQ 'my-hsm'
        $theirs.Module | Should -Be $SoftHsmLibrary
        $theirs.'library-manufacturer' | Should -Be 'SoftHSM'
        Test-P11toolLoads 'my-hsm' $SoftHsmLibrary | Should -BeTrue
        (Get-P11toolToken).Label | Should -Contain 'Custom HSM'
        (Get-Pkcs11Token -Module my-hsm).Label | Should -Contain 'Custom HSM'

        Unregister-Pkcs11Module -Name my-hsm
        Test-Path $HsmFile | Should -BeFalse
        Get-P11KitListing | Should -Be $Before
    }

    It 'finds the library registered under another name, in another location, through a symbolic link too' {
        $package = $Hsm.Register('softhsm2')
        $link = Join-Path $TestDrive 'libsofthsm2-link.so'
        New-Item -ItemType SymbolicLink -Path $link -Target $SoftHsmLibrary -Force | Out-Null
        foreach ($library in $SoftHsmLibrary, $link) {
            Register-Pkcs11Module -Name my-hsm -ModulePath $library -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -Be 'RegisterPkcs11ModuleAlreadyRegistered,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $errs[0].TargetObject.ConfigFile | Should -Be $package
            $errs[0].Exception.Message | Should -BeLike "*$package*"
        }
        Test-Path $SystemModuleDir | Should -BeFalse
        (Register-Pkcs11Module -Name my-hsm -ModulePath $link -Force).ConfigFile | Should -Be $HsmFile
    }

    It 'writes priority, enable-in, disable-in, trust-policy and critical as p11-kit reads them' {
        Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary -Priority 7 -EnableIn p11tool, pwsh -TrustPolicy -Critical | Out-Null
        $settings = Get-Content $HsmFile
        $settings | Should -Contain 'priority: 7'
        $settings | Should -Contain 'enable-in: p11tool, pwsh'
        $settings | Should -Contain 'trust-policy: yes'
        $settings | Should -Contain 'critical: yes'
        $module = Get-Pkcs11Module -Name my-hsm
        $module.Priority, $module.TrustPolicy, $module.Critical | Should -Be 7, $true, $true
        (Get-P11KitModule).Name | Should -Not -Contain 'my-hsm'
        Test-P11toolLoads 'my-hsm' $SoftHsmLibrary | Should -BeTrue
        Register-Pkcs11Module -Name other -ModulePath (Join-Path $P11ModuleDir 'p11-kit-trust.so') -DisableIn p11tool | Out-Null
        (Get-Content (Join-Path $SystemModuleDir 'other.module')) | Should -Contain 'module: p11-kit-trust.so'
        Test-P11toolLoads 'other' (Join-Path $P11ModuleDir 'p11-kit-trust.so') | Should -BeFalse
    }

    It 'writes exactly -Path, whose file name must be the module name followed by .module' {
        $path = Join-Path $PackageModuleDir 'my-hsm.module'
        $module = Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary -Path $path
        $module.Source | Should -Be 'Package'
        (Get-P11KitModule).Name | Should -Contain 'my-hsm'
        Remove-Item $path
        foreach ($bad in "$PackageModuleDir/other.module", "$SystemModuleDir/my-hsm.conf", "$SystemModuleDir/../my-hsm.module") {
            { Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary -Path $bad -ErrorAction Stop } |
                Should -Throw -ErrorId 'RegisterPkcs11ModuleInvalidPath,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        }
        { Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary -Path "$SystemModuleDir/my-hsm.conf" -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*name.module*'
        { Register-Pkcs11Module -Name '../my-hsm' -ModulePath $SoftHsmLibrary -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        Get-ChildItem $PackageModuleDir, '/etc/pkcs11' -Recurse -File | Should -BeNullOrEmpty
    }

    It 'refuses what is not a working PKCS#11 module, and an existing config for another library, writing nothing' {
        { Register-Pkcs11Module -Name z -ModulePath (Get-TestLibz) -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterPkcs11ModuleNotPkcs11,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        { Register-Pkcs11Module -Name z -ModulePath /nonexistent/libx.so -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterPkcs11ModuleNotFound,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        { Register-Pkcs11Module -Name z -ModulePath no-such-module.so -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterPkcs11ModuleNotFound,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        Test-Path $SystemModuleDir | Should -BeFalse
        $taken = Set-TestModuleConfig $SystemModuleDir 'my-hsm' "module: p11-kit-trust.so`n"
        { Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterPkcs11ModuleFileExists,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        Get-Content $taken -Raw | Should -BeExactly "module: p11-kit-trust.so`n"
    }

    It 'runs help example <Index>' -ForEach @(
        @{ Index = 0; Check = { param($out) $out | Should -BeNullOrEmpty; Test-Path $SystemModuleDir | Should -BeFalse } }
        @{ Index = 2; Check = { param($out) $out.Priority, $out.Critical, $out.Source | Should -Be 10, $true, 'System'; (Get-P11KitModule)[0].Name | Should -Be 'ykcs11' } }
    ) {
        $Hsm.Register('softhsm2') | Out-Null
        $rootHome, $env:HOME = $env:HOME, (Join-Path $TestDrive "home$Index")
        try { & $Check (Invoke-HelpExample Register-Pkcs11Module $Index) }
        finally { $env:HOME = $rootHome }
    }
}

Describe 'Unregister-Pkcs11Module' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $script:Before = Get-P11KitListing
    }

    It 'removes a registration by -Name, by -Path and from Get-Pkcs11Module, and p11-kit no longer lists it' {
        Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary | Out-Null
        Unregister-Pkcs11Module -Name my-hsm -WhatIf
        Test-Path $HsmFile | Should -BeTrue
        Unregister-Pkcs11Module -Name my-hsm | Should -BeNullOrEmpty
        Get-P11KitListing | Should -Be $Before

        $path = Join-Path $PackageModuleDir 'my-hsm.module'
        Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary -Path $path | Out-Null
        Unregister-Pkcs11Module -Path $path
        Get-P11KitListing | Should -Be $Before

        Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary | Out-Null
        Get-Pkcs11Module -Name my-hsm | Unregister-Pkcs11Module
        Test-Path $HsmFile | Should -BeFalse
        Get-P11KitListing | Should -Be $Before
    }

    It 'refuses names and paths that leave the config directory, and says when there is nothing to remove' {
        { Unregister-Pkcs11Module -Name '../pkcs11' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,SmartCardPS.Commands.UnregisterPkcs11ModuleCommand'
        $outside = Set-TestModuleConfig '/etc/pkcs11' 'outside' "module: p11-kit-trust.so`n"
        { Unregister-Pkcs11Module -Path "$SystemModuleDir/../outside.module" -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterPkcs11ModuleInvalidPath,SmartCardPS.Commands.UnregisterPkcs11ModuleCommand'
        { [SmartCardPS.P11Kit.Pkcs11Module]@{ Name = 'outside'; ConfigFile = $outside } | Unregister-Pkcs11Module -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterPkcs11ModuleInvalidPath,SmartCardPS.Commands.UnregisterPkcs11ModuleCommand'
        Test-Path $outside | Should -BeTrue
        { Unregister-Pkcs11Module -Name nothing-here -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterPkcs11ModuleNotFound,SmartCardPS.Commands.UnregisterPkcs11ModuleCommand'
    }

    It 'removes any module, while Unregister-OpenScModule removes only OpenSC' {
        $hsm = (Register-Pkcs11Module -Name my-hsm -ModulePath $SoftHsmLibrary).ConfigFile
        { Unregister-OpenScModule -Name my-hsm -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterOpenScModuleNotOpenSc,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
        Test-Path $hsm | Should -BeTrue
        Register-OpenScModule | Unregister-Pkcs11Module
        Unregister-Pkcs11Module -Name my-hsm
        Get-P11KitListing | Should -Be $Before
    }

    It 'runs help example <Index>' -ForEach @(
        @{ Index = 0; Check = { Test-Path (Join-Path $SystemModuleDir 'ykcs11.module') | Should -BeTrue } }
        @{ Index = 1; Check = { Test-Path (Join-Path $SystemModuleDir 'ykcs11.module') | Should -BeFalse } }
        @{ Index = 2; Check = { Test-Path (Join-Path $PackageModuleDir 'softhsm2.module') | Should -BeFalse; (Get-P11KitModule).Name | Should -Be 'ykcs11' } }
    ) {
        $Hsm.Register('softhsm2') | Out-Null
        Register-Pkcs11Module -Name ykcs11 -ModulePath $Ykcs11Library | Out-Null
        Invoke-HelpExample Unregister-Pkcs11Module $Index | Should -BeNullOrEmpty
        & $Check
    }
}

Describe 'Register-Pkcs11Module as an unprivileged user' -Skip:$NoFixture {
    BeforeAll {
        Clear-TestRegistry
        $script:UserHome = New-TestUserHome
    }
    AfterAll {
        if (Test-Path $UserHome) { Remove-Item $UserHome -Recurse -Force }
    }

    It 'registers in the user scope by default for p11-kit and p11tool, says how to write the system scope, and unregisters' {
        $userFile = Join-Path $UserHome '.config/pkcs11/modules/my-hsm.module'
        New-Item -ItemType Directory -Force $SystemModuleDir | Out-Null
        $out = Invoke-AsTestUser -HomeDir $UserHome -Script @"
(Register-Pkcs11Module -Name my-hsm -ModulePath '$SoftHsmLibrary').ConfigFile
Register-Pkcs11Module -Name other -ModulePath '$SoftHsmLibrary' -Scope System -Force -ErrorVariable e -ErrorAction SilentlyContinue
`$e.FullyQualifiedErrorId; `$e.Exception.Message
"@
        $out[0] | Should -Be $userFile
        $out[1] | Should -Be 'RegisterPkcs11ModulePermissionDenied,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        $out[2] | Should -BeLike '*-Scope User*elevated*'
        Get-ChildItem $SystemModuleDir -Force | Should -BeNullOrEmpty
        (& stat -c '%u %a' $userFile) | Should -Be '64123 644'
        (Invoke-NativeAsTestUser $UserHome p11-kit list-modules) -join "`n" | Should -Match "(?m)^my-hsm: $([regex]::Escape($SoftHsmLibrary))$"
        Test-P11toolLoads 'my-hsm' $SoftHsmLibrary -HomeDir $UserHome | Should -BeTrue

        Invoke-AsTestUser -HomeDir $UserHome -Script 'Unregister-Pkcs11Module -Name my-hsm' | Should -BeNullOrEmpty
        Test-Path $userFile | Should -BeFalse
        (Invoke-NativeAsTestUser $UserHome p11-kit list-modules) -join "`n" | Should -Not -Match '(?m)^my-hsm:'
    }

    # Help example 1 registers for the user who runs it (-Scope User), which root may not: p11-kit reads no user configs for root.
    It 'runs help example 1 as the user it is for' {
        $code = @((Get-Help Register-Pkcs11Module).Examples.Example)[1].Code
        $out = Invoke-AsTestUser -HomeDir $UserHome -Script "$code | ForEach-Object { `$_.ConfigFile; `$_.LibraryManufacturer; `$_.DisableIn }"
        $out[0] | Should -Be (Join-Path $UserHome '.config/pkcs11/modules/ykcs11.module')
        $out[1] | Should -BeLike 'Yubico*'
        $out[2] | Should -Be 'firefox'
        Invoke-AsTestUser -HomeDir $UserHome -Script 'Unregister-Pkcs11Module -Name ykcs11' | Should -BeNullOrEmpty
    }
}
