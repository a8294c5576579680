# Issue 19, findings 3 and 4: values that would inject lines into a p11-kit config, and libraries loaded where
# p11-kit never would. A library that must not be loaded is a real one whose ELF constructor leaves a marker file,
# so "not loaded" is seen, not assumed.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Security'
    $script:SoftHsmLibrary = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath

    # A shared library exporting C_GetFunctionList whose constructor appends to $Marker when anything loads it.
    function New-MarkerLibrary([string] $Directory, [string] $FileName, [string] $Marker) {
        Assert-TestDependency (Test-Path /usr/bin/gcc) 'gcc (apt-get install gcc)'
        New-Item -ItemType Directory -Force $Directory | Out-Null
        $source = Join-Path $Directory 'marker.c'
        Set-Content $source @'
#include <stdio.h>
__attribute__((constructor)) static void mark(void) { FILE *f = fopen(MARKER, "a"); if (f) { fputs("loaded\n", f); fclose(f); } }
int C_GetFunctionList(void **list) { (void)list; return 5; /* CKR_GENERAL_ERROR */ }
'@
        $library = Join-Path $Directory $FileName
        $out = & gcc -shared -fPIC -o $library "-DMARKER=`"$Marker`"" "-Wl,-soname,$FileName" $source 2>&1
        if ($LASTEXITCODE) { throw "gcc failed: $out" }
        Remove-Item $source
        & chmod 0755 $library
        $library
    }
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'p11-kit config values' -Tag Security -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $script:Before = Get-P11KitListing
    }

    It 'refuses -<Parameter> holding a line break before anything is loaded or written; p11-kit is unaffected' -ForEach @(
        @{ Parameter = 'EnableIn'; Value = "ff`nremote: |/bin/sh"; Shown = '\x0A' }
        @{ Parameter = 'DisableIn'; Value = "ff`nremote: |/bin/sh"; Shown = '\x0A' }
        @{ Parameter = 'DisableIn'; Value = "ff`u{2028}module: /tmp/x.so"; Shown = '\u2028' }
        @{ Parameter = 'EnableIn'; Value = 'p11tool,ff'; Shown = "','" }
    ) {
        $splat = @{ $Parameter = $Value }
        Register-Pkcs11Module -Name injected -ModulePath $SoftHsmLibrary @splat -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'RegisterPkcs11ModuleInvalidValue,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Assert-EscapedText $errs[0].Exception.Message "-$Parameter", $Shown
        { Register-OpenScModule @splat -WhatIf -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterOpenScModuleInvalidValue,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        Test-Path $SystemModuleDir | Should -BeFalse
        Get-P11KitListing | Should -Be $Before
    }

    It 'refuses a library whose file name holds a line break, leaving no config behind' {
        $dir = Join-Path $TestDrive 'newline'
        New-Item -ItemType Directory $dir | Out-Null
        foreach ($name in "soft`nremote: |sh.so", "soft`n:tail.so") {
            $library = Join-Path $dir $name
            [IO.File]::Copy($SoftHsmLibrary, $library)
            { Register-Pkcs11Module -Name newline -ModulePath $library -ErrorAction Stop } |
                Should -Throw -ErrorId 'RegisterPkcs11ModuleInvalidValue,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        }
        Test-Path $SystemModuleDir | Should -BeFalse
        Get-P11KitListing | Should -Be $Before
    }
}

Describe 'libraries p11-kit would not load' -Tag Security -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $script:Marker = Join-Path $TestDrive "marker-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    }

    It 'Unregister-OpenScModule -Path decides from the file and its SONAME, never by loading it (<Case>)' -ForEach @(
        @{ Case = '-WhatIf'; WhatIf = $true }
        @{ Case = 'without -WhatIf'; WhatIf = $false }
    ) {
        $userHome = New-TestUserHome
        try {
            # Root's own file, so only the OpenSC question could load it.
            $library = New-MarkerLibrary (Join-Path $TestDrive "lib$Case") 'libhostile.so' $Marker
            $config = Set-TestModuleConfig (Join-Path $userHome '.config/pkcs11/modules') 'opensc' "module: $library`n"
            & chown -R "$($TestUid):$($TestUid)" $userHome
            { Unregister-OpenScModule -Path $config -WhatIf:$WhatIf -ErrorAction Stop } |
                Should -Throw -ErrorId 'UnregisterOpenScModuleNotOpenSc,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
            Test-Path $config | Should -BeTrue
            Test-Path $Marker | Should -BeFalse -Because 'the library named by the config must not run as root'
        }
        finally { Remove-Item $userHome -Recurse -Force }
    }

    It 'Register-NssModule checks the library without loading it, under -WhatIf and without' {
        $library = New-MarkerLibrary (Join-Path $TestDrive 'nss') 'libmarker-pkcs11.so' $Marker
        $db = Join-Path $TestDrive 'nssdb'
        New-Item -ItemType Directory $db | Out-Null
        Register-NssModule -Name Marker -ModulePath $library -NssDatabase "sql:$db" -WhatIf | Should -BeNullOrEmpty
        Test-Path $Marker | Should -BeFalse
        (Register-NssModule -Name Marker -ModulePath $library -NssDatabase "sql:$db").Library | Should -Be $library
        Test-Path $Marker | Should -BeFalse
        { Register-NssModule -Name Z -ModulePath (Get-TestLibz) -NssDatabase "sql:$db" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterNssModuleNotPkcs11,SmartCardPS.Commands.RegisterNssModuleCommand'
    }

    It 'Register-Pkcs11Module and Register-OpenScModule -WhatIf run no library code; confirmed, the library is checked before anything is written' {
        $library = New-MarkerLibrary (Join-Path $TestDrive 'whatif') 'libmarker-pkcs11.so' $Marker
        $renamed = New-MarkerLibrary (Join-Path $TestDrive 'whatif-opensc') 'opensc-pkcs11.so' $Marker
        Register-Pkcs11Module -Name marker -ModulePath $library -WhatIf | Should -BeNullOrEmpty
        Register-OpenScModule -ModulePath $renamed -WhatIf | Should -BeNullOrEmpty
        Test-Path $Marker | Should -BeFalse -Because '-WhatIf must run no code of the library'
        { Register-Pkcs11Module -Name marker -ModulePath $library -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterPkcs11ModuleNotPkcs11,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        Test-Path $Marker | Should -BeTrue -Because 'confirmed, the library is loaded and asked C_GetInfo'
        Get-Pkcs11Module -Name marker -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Get-Pkcs11Token -Module with a bare file name never loads it from the current location' {
        $dir = Join-Path $TestDrive 'cwd'
        New-MarkerLibrary $dir 'libcwd-pkcs11.so' $Marker | Out-Null
        Push-Location $dir
        try {
            Get-Pkcs11Token -Module libcwd-pkcs11.so -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11TokenModuleNotFound,SmartCardPS.Commands.GetPkcs11TokenCommand'
            Test-Path $Marker | Should -BeFalse
            # Named as a path it is the user's explicit choice, and it loads (the marker proves the library works).
            Get-Pkcs11Token -Module ./libcwd-pkcs11.so -ErrorAction SilentlyContinue | Out-Null
            Test-Path $Marker | Should -BeTrue
        }
        finally { Pop-Location }
    }

    It 'as root, never loads a library <Case>' -ForEach @(
        @{ Case = 'owned by another user'; Prepare = { param($lib, $dir) & chown $TestUid $lib }; Who = 'uid 64123' }
        @{ Case = 'every user can write'; Prepare = { param($lib, $dir) & chmod 0666 $lib }; Who = 'every user' }
        @{ Case = 'in a directory owned by another user'; Prepare = { param($lib, $dir) & chown $TestUid $dir }; Who = 'uid 64123' }
        @{ Case = 'below a directory every user can write'; Prepare = { param($lib, $dir) & chmod 0777 (Split-Path $dir) }; Who = 'every user' }
    ) {
        $dir = Join-Path $TestDrive "untrusted-$([guid]::NewGuid().ToString('N').Substring(0, 8))/lib"
        $library = New-MarkerLibrary $dir 'libuntrusted-pkcs11.so' $Marker
        & $Prepare $library $dir
        Get-Pkcs11Token -Module $library -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11TokenModuleLoadFailed,SmartCardPS.Commands.GetPkcs11TokenCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $errs[0].Exception.Message | Should -BeLike "*$Who*"
        { Register-Pkcs11Module -Name untrusted -ModulePath $library -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterPkcs11ModuleUntrustedLibrary,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        Test-Path $Marker | Should -BeFalse
    }

    It 'as root, loads a root-owned library below a sticky directory every user can write, as /tmp is' {
        $sticky = Join-Path $TestDrive "sticky-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $library = New-MarkerLibrary (Join-Path $sticky 'lib') 'libsticky-pkcs11.so' $Marker
        & chmod 1777 $sticky
        Get-Pkcs11Token -Module $library -ErrorAction SilentlyContinue | Out-Null
        Test-Path $Marker | Should -BeTrue
    }
}

Describe 'user configs as root' -Tag Security -Skip:$NoFixture {
    BeforeAll {
        $script:UserHome = New-TestUserHome
        $script:UserConfig = Set-TestModuleConfig (Join-Path $UserHome '.config/pkcs11/modules') 'opensc' "module: $SoftHsmLibrary`n"
        & chown -R "$($TestUid):$($TestUid)" $UserHome
    }
    AfterAll { Remove-Item $UserHome -Recurse -Force }
    BeforeEach {
        Clear-TestRegistry
        $script:RootHome, $env:HOME = $env:HOME, $UserHome
    }
    AfterEach { $env:HOME = $RootHome }

    It '<Command> -Scope User refuses as root, whatever HOME says, and leaves the user''s config alone' -ForEach @(
        @{ Command = 'Unregister-OpenScModule'; Call = { Unregister-OpenScModule -Scope User -ErrorAction Stop } }
        @{ Command = 'Register-OpenScModule'; Call = { Register-OpenScModule -Scope User -Force -ErrorAction Stop } }
        @{ Command = 'Register-Pkcs11Module'; Call = { Register-Pkcs11Module -Name hsm -ModulePath $SoftHsmLibrary -Scope User -ErrorAction Stop } }
        @{ Command = 'Unregister-Pkcs11Module'; Call = { Unregister-Pkcs11Module -Name opensc -Scope User -ErrorAction Stop } }
    ) {
        $id = ($Command -replace '-', '') + 'UserScopeAsRoot'
        $Call | Should -Throw -ErrorId "$id,SmartCardPS.Commands.$($Command -replace '-', '')Command" -ExpectedMessage '*p11-kit reads no user configs for root*'
        Get-Content $UserConfig -Raw | Should -BeExactly "module: $SoftHsmLibrary`n"
        Get-ChildItem (Split-Path $UserConfig) | Should -HaveCount 1
    }

    It 'a user config does not count as a registration for root, as p11-kit never reads it' {
        (Register-Pkcs11Module -Name hsm -ModulePath $SoftHsmLibrary).ConfigFile | Should -Be (Join-Path $SystemModuleDir 'hsm.module')
        (Get-Pkcs11Module).ConfigFile | Should -Not -Contain $UserConfig
    }
}
