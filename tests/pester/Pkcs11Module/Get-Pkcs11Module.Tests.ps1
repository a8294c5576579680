BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Module test'
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'Get-Pkcs11Module' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $script:SoftHsmConfig = $Hsm.Register('softhsm2')
        Set-TestModuleConfig $PackageModuleDir 'opensc-pkcs11' "module: opensc-pkcs11.so`n" | Out-Null
        Set-TestModuleConfig $PackageModuleDir 'p11-kit-trust' "module: p11-kit-trust.so`npriority: 1`ntrust-policy: yes`ndisable-in: p11-kit-proxy`nx-trust-lookup: pkcs11:library-description=PKCS%2311%20Kit%20Trust%20Module`n" | Out-Null
    }

    It 'lists the modules p11-kit list-modules lists, in the same order, with the same library fields' {
        $ours = @(Get-Pkcs11Module)
        $theirs = @(Get-P11KitModule)
        $ours.Name | Should -Be $theirs.Name
        $ours.Name | Should -Be 'p11-kit-trust', 'opensc-pkcs11', 'softhsm2'
        for ($i = 0; $i -lt $theirs.Count; $i++) {
            $expectedPath = if ($theirs[$i].Module.StartsWith('/')) { $theirs[$i].Module } else { Join-Path $P11ModuleDir $theirs[$i].Module }
            $ours[$i].Path | Should -Be $expectedPath
            $ours[$i].ModuleSetting | Should -Be $theirs[$i].Module
            $ours[$i].LibraryDescription | Should -Be $theirs[$i].'library-description'
            $ours[$i].LibraryManufacturer | Should -Be $theirs[$i].'library-manufacturer'
            $ours[$i].LibraryVersion | Should -Be $theirs[$i].'library-version'
            $ours[$i].Source | Should -Be 'Package'
            $ours[$i].Enabled | Should -BeTrue
            $ours[$i].CryptokiVersion | Should -Match '^\d+\.\d+$'
        }
    }

    It 'keeps the settings of each module, unknown x- fields included' {
        $trust = Get-Pkcs11Module -Name p11-kit-trust
        $trust.Priority | Should -Be 1
        $trust.TrustPolicy | Should -BeTrue
        $trust.DisableIn | Should -Be 'p11-kit-proxy'
        $trust.Settings['x-trust-lookup'] | Should -Be 'pkcs11:library-description=PKCS%2311%20Kit%20Trust%20Module'
        (Get-Pkcs11Module -Name softhsm2).ConfigFile | Should -Be $SoftHsmConfig
    }

    It 'merges a system config over the package one key by key, as p11-kit does' {
        Set-TestModuleConfig $SystemModuleDir 'softhsm2' "priority: 5`ncritical: yes`n" | Out-Null
        $softhsm = Get-Pkcs11Module -Name softhsm2
        $softhsm.Priority | Should -Be 5
        $softhsm.Critical | Should -BeTrue
        $softhsm.ConfigFile | Should -Be $SoftHsmConfig
        $softhsm.Source | Should -Be 'Package'
        $softhsm.ConfigFiles | Should -Be (Join-Path $SystemModuleDir 'softhsm2.module'), $SoftHsmConfig
        (Get-Pkcs11Module).Name | Should -Be (Get-P11KitModule).Name
        (Get-Pkcs11Module)[0].Name | Should -Be 'softhsm2'
    }

    It 'shows a module disabled by a blank module: line, which p11-kit does not load' {
        Set-TestModuleConfig $SystemModuleDir 'opensc-pkcs11' "module:`n" | Out-Null
        $opensc = Get-Pkcs11Module -Name opensc-pkcs11
        $opensc.Enabled | Should -BeFalse
        $opensc.Path | Should -BeNullOrEmpty
        $opensc.LibraryDescription | Should -BeNullOrEmpty
        (Get-P11KitModule).Name | Should -Not -Contain 'opensc-pkcs11'
        (Get-Pkcs11Module | Where-Object Enabled).Name | Should -Be (Get-P11KitModule).Name
    }

    It 'honours user-config: none in pkcs11.conf' {
        Set-Content /etc/pkcs11/pkcs11.conf "user-config: none`n"
        (Get-Pkcs11Module).Name | Should -Be (Get-P11KitModule).Name
    }

    It 'reports each broken module once, naming it, its config file and the reason, and still lists the others' {
        # Not the SoftHSM fixture's directory: every user can write it, so root would refuse the library for that alone.
        $broken = Set-TestBrokenModules $SystemModuleDir $TestDrive
        $text = Join-Path $TestDrive 'text-module.so'

        $ours = @(Get-Pkcs11Module -ErrorVariable errs -ErrorAction SilentlyContinue)
        $ours.Name | Should -Be 'p11-kit-trust', 'opensc-pkcs11', 'softhsm2'
        $errs.Count | Should -Be 3
        $errs.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'GetPkcs11ModuleModuleLoadFailed,SmartCardPS.Commands.GetPkcs11ModuleCommand'
        $byName = @{}
        foreach ($e in $errs) { $byName[$e.Exception.ModuleName] = $e }
        $byName['broken-text'].Exception.Message | Should -BeLike "*'broken-text'*$($broken['broken-text'])*loader refused it*$text*"
        $byName['broken-text'].CategoryInfo.Category | Should -Be 'InvalidData'
        $byName['broken-libz'].Exception.Message | Should -BeLike "*'broken-libz'*$($broken['broken-libz'])*no C_GetFunctionList*"
        $byName['broken-libz'].Exception.Kind | Should -Be 'NotPkcs11'
        $byName['broken-missing'].Exception.Message | Should -BeLike "*'broken-missing'*$($broken['broken-missing'])*does not exist*"
        $byName['broken-missing'].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $byName['broken-missing'].TargetObject.ConfigFile | Should -Be $broken.'broken-missing'
        # p11-kit drops them silently: the working ones are the same list.
        (Get-P11KitModule).Name | Should -Be $ours.Name
    }

    It 'names every config file it read, whole, in its verbose message (issue 23, item 17)' {
        # files.Select(UntrustedText.Quote) once picked Select's (item, index) overload: the index became the cut length.
        $verbose = @(Get-Pkcs11Module -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
            Where-Object Message -Like "Read p11-kit's module registry*")
        $verbose.Count | Should -Be 1
        $files = @((Get-Pkcs11Module).ConfigFiles | Select-Object -Unique)
        $files.Count | Should -Be 3
        foreach ($file in $files) { $verbose[0].Message | Should -BeLike "*'$file'*" }
        $verbose[0].Message | Should -Not -BeLike '*…*'
    }

    It 'filters by name with wildcards and reports a literal name that matches nothing' {
        (Get-Pkcs11Module -Name 'soft*', 'opensc-pkcs11').Name | Should -Be 'softhsm2', 'opensc-pkcs11'
        Get-Pkcs11Module -Name 'nothing*' | Should -BeNullOrEmpty
        { Get-Pkcs11Module -Name 'no-such-module' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11ModuleNotFound,SmartCardPS.Commands.GetPkcs11ModuleCommand'
    }

    It 'loads Pkcs11Interop from the module folder' {
        $null = Get-Pkcs11Module
        $assembly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Pkcs11Interop' }
        $assembly.GetName().Version.ToString() | Should -BeLike '5.3.*'
        $assembly.Location | Should -Be (Join-Path (Resolve-Path $ModuleDir).Path 'Pkcs11Interop.dll')
    }

    It 'emits objects that survive ConvertTo-Json' {
        $json = Get-Pkcs11Module -Name softhsm2 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.Name | Should -Be 'softhsm2'
        $json.LibraryManufacturer | Should -Be 'SoftHSM'
    }
}
