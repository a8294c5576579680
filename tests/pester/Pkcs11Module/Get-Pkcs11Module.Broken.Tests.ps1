# Issue 8, defect 7: a failing module marked critical makes p11-kit (so GnuTLS and p11tool) fail altogether, and the
# error says so; -IncludeBroken emits the modules that cannot be used as objects with LoadError, for scripts.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Alpha'
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-broken-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $Scratch | Out-Null
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
    Clear-TestRegistry
}

Describe 'Broken and critical PKCS#11 modules' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
    }

    It 'says that a failing critical module makes p11-kit, GnuTLS and p11tool fail altogether, as p11tool shows' {
        Set-TestModuleConfig $SystemModuleDir 'vital' "module: /nonexistent/vital-pkcs11.so`ncritical: yes`n" | Out-Null
        # The real stack: with the critical module failing, p11tool lists no token at all, SoftHSM's included.
        @(Get-P11toolToken | Where-Object Label -EQ 'Alpha').Count | Should -Be 0
        $modules = @(Get-Pkcs11Module -ErrorVariable failures -ErrorAction SilentlyContinue)
        $modules.Name | Should -Be 'softhsm2'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11ModuleModuleLoadFailed,SmartCardPS.Commands.GetPkcs11ModuleCommand'
        $failures[0].ToString() | Should -BeLike "*'vital'*critical: yes*p11-kit fails to initialize altogether*GnuTLS*p11tool*"
        $failures[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'does not say so for a module that is not critical' {
        Set-TestModuleConfig $SystemModuleDir 'optional' "module: /nonexistent/optional-pkcs11.so`n" | Out-Null
        @(Get-P11toolToken | Where-Object Label -EQ 'Alpha').Count | Should -Be 1
        Get-Pkcs11Module -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        $failures[0].ToString() | Should -Not -BeLike '*critical*'
    }

    It 'emits broken modules with LoadError under -IncludeBroken, and writes no error for them' {
        $configs = Set-TestBrokenModules $SystemModuleDir $Scratch
        $modules = @(Get-Pkcs11Module -IncludeBroken -ErrorVariable failures)
        $failures.Count | Should -Be 0
        ($modules.Name | Sort-Object) | Should -Be (@($configs.Keys) + 'softhsm2' | Sort-Object)
        ($modules | Where-Object Name -EQ 'softhsm2').LoadError | Should -BeNullOrEmpty
        foreach ($name in $configs.Keys) {
            $broken = $modules | Where-Object Name -EQ $name
            $broken.LoadError | Should -BeLike "*'$name'*cannot be used*"
            $broken.ConfigFile | Should -Be $configs[$name]
        }
        ($modules | Where-Object LoadError).Name | Sort-Object | Should -Be (@($configs.Keys) | Sort-Object)
        # Broken modules survive serialization like the others.
        ($modules | ConvertTo-Json -Depth 3 | ConvertFrom-Json | Where-Object LoadError).Count | Should -Be 3
    }
}
