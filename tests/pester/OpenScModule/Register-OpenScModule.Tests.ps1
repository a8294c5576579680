BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Register test'
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Remove-TestUserPwsh
    Clear-TestRegistry
}

Describe 'Register-OpenScModule' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        $script:Before = (& p11-kit list-modules 2>$null) -join "`n"
    }

    It 'registers OpenSC in the system config directory by default as root, as module: opensc-pkcs11.so' {
        $module = Register-OpenScModule
        $file = Join-Path $SystemModuleDir 'opensc.module'
        $module.Name | Should -Be 'opensc'
        $module.ConfigFile | Should -Be $file
        $module.Source | Should -Be 'System'
        $module.Path | Should -Be $OpenScLibrary
        $module.LibraryManufacturer | Should -Be 'OpenSC Project'
        (Get-Content $file) | Should -Contain 'module: opensc-pkcs11.so'
        (& stat -c '%a' $file) | Should -Be '644'
        (& stat -c '%a' $SystemModuleDir) | Should -Be '755'
        (Get-P11KitModule | Where-Object Name -EQ opensc).Module | Should -Be 'opensc-pkcs11.so'
        Test-P11toolLoads 'opensc' $OpenScLibrary | Should -BeTrue
        (Get-Pkcs11Module -Name opensc).ConfigFile | Should -Be $file
    }

    It 'writes nothing with -WhatIf' {
        Register-OpenScModule -WhatIf | Should -BeNullOrEmpty
        Test-Path (Join-Path $SystemModuleDir 'opensc.module') | Should -BeFalse
        (& p11-kit list-modules 2>$null) -join "`n" | Should -Be $Before
    }

    It 'changes nothing on a second run and reports the registration' {
        Register-OpenScModule -Priority 3 | Out-Null
        $file = Join-Path $SystemModuleDir 'opensc.module'
        $content = Get-Content $file -Raw
        $written = (Get-Item $file).LastWriteTimeUtc
        { Register-OpenScModule -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterOpenScModuleAlreadyRegistered,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        Register-OpenScModule -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].TargetObject.ConfigFile | Should -Be $file
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content $file -Raw | Should -BeExactly $content
        (Get-Item $file).LastWriteTimeUtc | Should -Be $written
    }

    It 'detects an existing registration under another name, in another location' {
        $debian = Set-TestModuleConfig $PackageModuleDir 'opensc-pkcs11' "module: opensc-pkcs11.so`n"
        Register-OpenScModule -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'RegisterOpenScModuleAlreadyRegistered,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        $errs[0].Exception.Message | Should -BeLike "*$debian*"
        Test-Path (Join-Path $SystemModuleDir 'opensc.module') | Should -BeFalse
        $abs = Set-TestModuleConfig $SystemModuleDir 'smartcards' "module: $OpenScLibrary`n"
        Remove-Item $debian
        { Register-OpenScModule -ErrorAction Stop } | Should -Throw -ExpectedMessage "*$abs*"
        (Register-OpenScModule -Force).ConfigFile | Should -Be (Join-Path $SystemModuleDir 'opensc.module')
    }

    It 'writes exactly -Path, as the ArchWiki recipe does, and Unregister restores the previous state' {
        $path = Join-Path $PackageModuleDir 'opensc.module'
        $module = Register-OpenScModule -Path $path
        $module.Source | Should -Be 'Package'
        $module.ConfigFile | Should -Be $path
        (Get-Content $path) | Should -Contain 'module: opensc-pkcs11.so'
        (Get-P11KitModule).Name | Should -Contain 'opensc'
        Test-P11toolLoads 'opensc' $OpenScLibrary | Should -BeTrue

        Unregister-OpenScModule -Path $path -WhatIf
        Test-Path $path | Should -BeTrue
        Unregister-OpenScModule -Path $path
        Test-Path $path | Should -BeFalse
        (& p11-kit list-modules 2>$null) -join "`n" | Should -Be $Before
    }

    It 'writes enable-in, disable-in and priority' {
        Register-OpenScModule -Priority 9 -EnableIn p11tool, pwsh | Out-Null
        $settings = Get-Content (Join-Path $SystemModuleDir 'opensc.module')
        $settings | Should -Contain 'priority: 9'
        $settings | Should -Contain 'enable-in: p11tool, pwsh'
        (Get-P11KitModule).Name | Should -Not -Contain 'opensc'
        Test-P11toolLoads 'opensc' $OpenScLibrary | Should -BeTrue
        (Get-Pkcs11Module)[0].Name | Should -Be 'opensc'
    }

    It 'refuses a library that is not a working PKCS#11 module, and writes nothing' {
        { Register-OpenScModule -ModulePath (Get-TestLibz) -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterOpenScModuleNotPkcs11,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        { Register-OpenScModule -ModulePath /nonexistent/opensc-pkcs11.so -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterOpenScModuleNotFound,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        Test-Path $SystemModuleDir | Should -BeFalse
    }

    It 'registers only OpenSC, so that Unregister-OpenScModule can remove whatever it registered' {
        $trust = Join-Path $P11ModuleDir 'p11-kit-trust.so'
        { Register-OpenScModule -ModulePath $trust -Name trust -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterOpenScModuleNotOpenSc,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        Test-Path (Join-Path $SystemModuleDir 'trust.module') | Should -BeFalse
        # OpenSC under another file name is still OpenSC (its C_GetInfo says so), and the pair stays symmetric.
        $renamed = Join-Path $TestDrive 'renamed-pkcs11.so'
        Copy-Item $OpenScLibrary $renamed
        (Register-OpenScModule -ModulePath $renamed -Name renamed).Name | Should -Be 'renamed'
        Unregister-OpenScModule -Name renamed
        Test-Path (Join-Path $SystemModuleDir 'renamed.module') | Should -BeFalse
    }

    It 'refuses names and paths that leave the config directory, and files p11-kit would not read' {
        { Register-OpenScModule -Name '../escaped' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        { Unregister-OpenScModule -Name '../../pkcs11.conf' -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
        { Register-OpenScModule -Path "$SystemModuleDir/../escaped.module" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterOpenScModuleInvalidPath,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        Test-Path '/etc/pkcs11/escaped.module' | Should -BeFalse
        { Register-OpenScModule -Path "$SystemModuleDir/opensc.conf" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterOpenScModuleInvalidPath,SmartCardPS.Commands.RegisterOpenScModuleCommand' -ExpectedMessage '*.module*'
        Test-Path "$SystemModuleDir/opensc.conf" | Should -BeFalse

        $outside = Set-TestModuleConfig '/etc/pkcs11' 'outside' "module: opensc-pkcs11.so`n"
        { Unregister-OpenScModule -Path "$SystemModuleDir/../outside.module" -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterOpenScModuleInvalidPath,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
        $forged = [SmartCardPS.P11Kit.Pkcs11Module]@{ Name = 'outside'; ConfigFile = $outside }
        { $forged | Unregister-OpenScModule -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterOpenScModuleInvalidPath,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
        $conf = Join-Path $SystemModuleDir 'opensc.conf'
        New-Item $conf -Force -Value "module: opensc-pkcs11.so`n" | Out-Null
        { Unregister-OpenScModule -Path $conf -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterOpenScModuleInvalidPath,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
        Test-Path $outside, $conf | Should -Be $true, $true
    }
}

Describe 'Unregister-OpenScModule' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        $script:Before = (& p11-kit list-modules 2>$null) -join "`n"
    }

    It 'takes modules from Get-Pkcs11Module to unregister' {
        $file = (Register-OpenScModule -Name smartcard).ConfigFile
        $file | Should -Be (Join-Path $SystemModuleDir 'smartcard.module')
        # p11-kit must see it first, or an Unregister that does nothing would pass.
        (Get-P11KitModule).Name | Should -Contain 'smartcard'
        $piped = @(Get-Pkcs11Module -Name smartcard)
        $piped.Count | Should -Be 1
        $piped | Unregister-OpenScModule
        Test-Path $file | Should -BeFalse
        (Get-P11KitModule).Name | Should -Not -Contain 'smartcard'
        (& p11-kit list-modules 2>$null) -join "`n" | Should -Be $Before
    }

    It 'refuses to unregister a config that registers another module' {
        $softhsm = Join-Path $PackageModuleDir 'softhsm2.module'
        { Unregister-OpenScModule -Path $softhsm -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterOpenScModuleNotOpenSc,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
        Test-Path $softhsm | Should -BeTrue
        { Unregister-OpenScModule -Name nothing-here -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnregisterOpenScModuleNotFound,SmartCardPS.Commands.UnregisterOpenScModuleCommand'
    }
}

Describe 'Register-OpenScModule as an unprivileged user' -Skip:$NoFixture {
    BeforeAll {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        $script:UserHome = New-TestUserHome
        $script:UserFile = Join-Path $UserHome '.config/pkcs11/modules/opensc.module'
    }
    AfterAll {
        if (Test-Path $UserHome) { Remove-Item $UserHome -Recurse -Force }
    }

    It 'registers in the user scope by default, which p11-kit and p11tool then use for that user only' {
        $out = Invoke-AsTestUser -HomeDir $UserHome -Script 'Register-OpenScModule | ForEach-Object { "$($_.Name)|$($_.Source)|$($_.ConfigFile)" }'
        ($out -join "`n") | Should -Be "opensc|User|$UserFile"
        (Get-Content $UserFile) | Should -Contain 'module: opensc-pkcs11.so'
        (& stat -c '%u %a' $UserFile) | Should -Be '64123 644'
        (& stat -c '%a' (Split-Path $UserFile)) | Should -Be '755'
        (Invoke-NativeAsTestUser $UserHome p11-kit list-modules) -join "`n" | Should -Match '(?m)^opensc: opensc-pkcs11.so$'
        Test-P11toolLoads 'opensc' $OpenScLibrary -HomeDir $UserHome | Should -BeTrue
        # Root never reads a user's configs, in p11-kit or here.
        $env:HOME, $rootHome = $UserHome, $env:HOME
        try {
            (Get-Pkcs11Module).Name | Should -Not -Contain 'opensc'
            (Get-P11KitModule).Name | Should -Not -Contain 'opensc'
        }
        finally { $env:HOME = $rootHome }
    }

    It 'lists the user registration for that user, with the same modules as p11-kit' {
        $ours = Invoke-AsTestUser -HomeDir $UserHome -Script 'Get-Pkcs11Module | ForEach-Object { "$($_.Name)|$($_.Source)" }'
        $ours | Should -Be 'opensc|User', 'softhsm2|Package'
        $theirs = Invoke-NativeAsTestUser $UserHome p11-kit list-modules | Where-Object { $_ -match '^\S' } | ForEach-Object { ($_ -split ':')[0] }
        $theirs | Should -Be 'opensc', 'softhsm2'
    }

    It 'says to use -Scope User or run elevated when the system directory is not writable' {
        New-Item -ItemType Directory -Force $SystemModuleDir | Out-Null
        $out = Invoke-AsTestUser -HomeDir $UserHome -Script 'Register-OpenScModule -Scope System -Force -ErrorVariable e -ErrorAction SilentlyContinue; $e.FullyQualifiedErrorId; $e.Exception.Message'
        $out[0] | Should -Be 'RegisterOpenScModulePermissionDenied,SmartCardPS.Commands.RegisterOpenScModuleCommand'
        $out[1] | Should -BeLike '*-Scope User*elevated*'
        Get-ChildItem $SystemModuleDir -Force | Should -BeNullOrEmpty
    }

    Describe 'Unregister-OpenScModule for that user' {
        It 'unregisters the user registration and p11-kit no longer sees it' {
            Invoke-AsTestUser -HomeDir $UserHome -Script 'Unregister-OpenScModule' | Should -BeNullOrEmpty
            Test-Path $UserFile | Should -BeFalse
            $listing = (Invoke-NativeAsTestUser $UserHome p11-kit list-modules) -join "`n"
            $listing | Should -Match '(?m)^softhsm2: '
            $listing | Should -Not -Match '(?m)^opensc:'
        }
    }

    It 'refuses -Scope User where p11-kit reads no user configs, and an unread config does not count as a registration (issue 23, item 1)' {
        $configDir = Join-Path $UserHome '.config/pkcs11'
        $unread = Set-TestModuleConfig (Join-Path $configDir 'modules') 'opensc' "module: opensc-pkcs11.so`n"
        Set-Content (Join-Path $configDir 'pkcs11.conf') "user-config: none`n"
        & chown -R "$($TestUid):$($TestUid)" $configDir
        try {
            # p11-kit itself does not load the user's opensc.module for this user.
            (Invoke-NativeAsTestUser $UserHome p11-kit list-modules) -join "`n" | Should -Not -Match '(?m)^opensc:'
            foreach ($call in 'Register-OpenScModule -Scope User -Force', 'Register-OpenScModule', 'Register-Pkcs11Module -Name hsm -ModulePath opensc-pkcs11.so') {
                $out = Invoke-AsTestUser -HomeDir $UserHome -Script "$call -ErrorVariable e -ErrorAction SilentlyContinue; `$e.FullyQualifiedErrorId; `$e.Exception.Message"
                $out[0] | Should -BeLike '*UserScopeNotRead,SmartCardPS.Commands.*'
                $out[1] | Should -BeLike "*$configDir/pkcs11.conf says user-config: none*-Scope System*"
            }
            # The system scope is not refused as 'already registered' for a config p11-kit never reads: it gets as far as the write.
            $out = Invoke-AsTestUser -HomeDir $UserHome -Script 'Register-OpenScModule -Scope System -ErrorVariable e -ErrorAction SilentlyContinue; $e.FullyQualifiedErrorId'
            $out | Should -Be 'RegisterOpenScModulePermissionDenied,SmartCardPS.Commands.RegisterOpenScModuleCommand'
            # Test-SmartCardSetup's remedy is one that works here: not -Scope User.
            $out = Invoke-AsTestUser -HomeDir $UserHome -Script "Test-SmartCardSetup -Check 'OpenSC registered with p11-kit' | ForEach-Object { `"`$(`$_.Status)|`$(`$_.Remedy)`" }"
            $out | Should -Be 'Fail|sudo pwsh -c Register-OpenScModule'
            Get-Content $unread -Raw | Should -BeExactly "module: opensc-pkcs11.so`n"
        }
        finally { Remove-Item $configDir -Recurse -Force }
    }
}
