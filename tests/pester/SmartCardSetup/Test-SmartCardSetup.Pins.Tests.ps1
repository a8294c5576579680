# Test-SmartCardSetup's PIN check (issue 24, section 3): SoftHSM for the state it really reaches (count low after a
# wrong login), the PKCS#11 shim in front of it for the flags SoftHSM never sets.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'PIN test'
    $script:Library = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
    $script:Shim = New-TestPkcs11Shim
    $script:F = [SmartCardPS.Pkcs11.Pkcs11TokenFlags]

    function Get-PinCheck { Test-SmartCardSetup | Where-Object Name -EQ 'PKCS#11 PINs' }
}

AfterAll {
    if ($script:Shim) { $script:Shim.Dispose() }
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'Test-SmartCardSetup PIN states' -Skip:$NoFixture {
    BeforeEach {
        Clear-TestRegistry
        # A right login resets SoftHSM's count of wrong ones.
        & pkcs11-tool --module $Library --token-label 'PIN test' --login --pin ([SmartCardPS.TestFixture.SoftHsmFixture]::UserPin) -O 2>&1 | Out-Null
    }

    It 'passes when no PIN is locked, nearly locked or due for a change, naming the tokens' {
        $Hsm.Register('softhsm2') | Out-Null
        $c = Get-PinCheck
        $c.Status | Should -Be 'Pass'
        $c.Detail | Should -BeLike "*1 token(s): 'PIN test'*"
    }

    It 'warns after a wrong user PIN on a real SoftHSM token, and passes again after the right one' {
        $Hsm.Register('softhsm2') | Out-Null
        $out = & pkcs11-tool --module $Library --token-label 'PIN test' --login --pin 0000 -O 2>&1
        $LASTEXITCODE | Should -Not -Be 0 -Because "the wrong PIN must be refused: $out"
        (Get-Pkcs11Token -Label 'PIN test').Flags.HasFlag($F::UserPinCountLow) | Should -BeTrue -Because 'SoftHSM counts wrong logins'
        $c = Get-PinCheck
        $c.Status | Should -Be 'Warn'
        $c.Detail | Should -BeExactly "'PIN test' (softhsm2): wrong user PINs were entered (count low)"
        $c.Remedy | Should -BeLike "'PIN test' (softhsm2): log in once with the right user PIN*pkcs11-tool --module '$Library' --token-label 'PIN test' --login --list-objects*"
        & pkcs11-tool --module $Library --token-label 'PIN test' --login --pin ([SmartCardPS.TestFixture.SoftHsmFixture]::UserPin) -O 2>&1 | Out-Null
        (Get-PinCheck).Status | Should -Be 'Pass'
    }

    It 'reports <Flag> as <Status> with the remedy <Remedy> (shim)' -TestCases @(
        @{ Flag = 'UserPinLocked'; Status = 'Fail'; Detail = 'the user PIN is locked'; Remedy = "*--token-label 'PIN test' --unlock-pin --login-type so (tokens that support it), or the card vendor's unblock tool*" }
        @{ Flag = 'UserPinFinalTry'; Status = 'Warn'; Detail = 'the next wrong user PIN locks it (final try)'; Remedy = '*log in once with the right user PIN*do not guess*' }
        @{ Flag = 'UserPinToBeChanged'; Status = 'Warn'; Detail = 'the user PIN must be changed (initial or expired)'; Remedy = "*--token-label 'PIN test' --login --change-pin" }
        @{ Flag = 'SoPinLocked'; Status = 'Fail'; Detail = 'the SO PIN is locked'; Remedy = "*cannot be unblocked through PKCS#11*only the card vendor's reset recovers the token, erasing its keys*"; NoTool = $true }
        @{ Flag = 'SoPinFinalTry'; Status = 'Warn'; Detail = 'the next wrong SO PIN locks it (final try)'; Remedy = '*--login --login-type so --list-objects)' }
        @{ Flag = 'SoPinCountLow'; Status = 'Warn'; Detail = 'wrong SO PINs were entered (count low)'; Remedy = '*right SO PIN*' }
        @{ Flag = 'SoPinToBeChanged'; Status = 'Warn'; Detail = 'the SO PIN must be changed (initial or expired)'; Remedy = '*--login --login-type so --change-pin' }
    ) {
        Assert-TestDependency ($null -ne $Shim) 'gcc (for the PKCS#11 shim)'
        $Hsm.Register('shim', $PackageModuleDir, "module: $($Shim.LibraryPath)`n") | Out-Null
        $Shim.AddTokenFlags([uint64]($F::$Flag))
        try {
            (Get-Pkcs11Token -Label 'PIN test').Flags.HasFlag($F::$Flag) | Should -BeTrue -Because 'the shim reports the flag'
            $c = Get-PinCheck
            $c.Status | Should -Be $Status
            $c.Detail | Should -BeExactly "'PIN test' (shim): $Detail"
            $c.Remedy | Should -BeLike "'PIN test' (shim): $Remedy"
            if (-not $NoTool) { $c.Remedy | Should -BeLike "*--module '$($Shim.LibraryPath)'*" }
        }
        finally { $Shim.AddTokenFlags(0) }
    }

    It 'names every problem of a token, a locked PIN over its final try, and makes -Quiet false' {
        Assert-TestDependency ($null -ne $Shim) 'gcc (for the PKCS#11 shim)'
        $Hsm.Register('shim', $PackageModuleDir, "module: $($Shim.LibraryPath)`n") | Out-Null
        $Shim.AddTokenFlags([uint64]($F::UserPinLocked -bor $F::UserPinFinalTry -bor $F::SoPinToBeChanged))
        try {
            $c = Get-PinCheck
            $c.Status | Should -Be 'Fail'
            $c.Detail | Should -BeExactly "'PIN test' (shim): the user PIN is locked, the SO PIN must be changed (initial or expired)"
            @($c.Remedy -split '; ').Count | Should -Be 2
            Test-SmartCardSetup -Check 'PKCS#11 PINs' -Quiet | Should -BeExactly $false
        }
        finally { $Shim.AddTokenFlags(0) }
        Test-SmartCardSetup -Check 'PKCS#11 PINs' -Quiet | Should -BeExactly $true
    }

    It 'escapes the token label in the detail and pastes it quoted into the remedy' {
        Assert-TestDependency ($null -ne $Shim) 'gcc (for the PKCS#11 shim)'
        $label = "Evil`u{202E}'pin"
        $Hsm.AddToken($label)
        $Hsm.Register('shim', $PackageModuleDir, "module: $($Shim.LibraryPath)`n") | Out-Null
        $Shim.AddTokenFlags([uint64]$F::UserPinLocked)
        try {
            $c = Get-PinCheck
            Assert-EscapedText "$($c.Detail) $($c.Remedy)" @("'Evil\u202E'pin' (shim): the user PIN is locked", "--token-label 'Evil\u202E''pin' --unlock-pin")
        }
        finally {
            $Shim.AddTokenFlags(0)
            $Hsm.RemoveToken($label)
        }
    }
}
