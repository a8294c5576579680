# Set-Pkcs11Pin and Reset-Pkcs11Pin against SoftHSM, with pkcs11-tool and p11tool as oracles, and through the PKCS#11 shim
# where a test counts the PIN checks (one per attempt, never a retry) or needs a final-try or locked PIN.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:State = Start-TestProvisioning -Label 'Pins', 'Counted'
    if ($State) {
        $script:Hsm = $State.Hsm
        $script:Shim = New-TestPkcs11Shim
    }
    # The PIN checks the shim saw for the token 'Counted', through a URI that loads the shim.
    function Get-ShimUri([string] $Query) { "pkcs11:token=Counted?module-path=$($Shim.LibraryPath)$Query" }
}

AfterAll {
    if ($Shim) { $Shim.Dispose() }
    Stop-TestObjectToken $State
}

Describe 'Set-Pkcs11Pin' -Skip:$NoFixture {
    It 'changes the user PIN, after which pkcs11-tool --change-pin takes our new PIN and p11tool logs in with its own' {
        $token = Set-Pkcs11Pin -Token 'Pins' -Pin (ConvertTo-TestPin 1234) -NewPin (ConvertTo-TestPin 24680) -PassThru
        $token.Label | Should -BeExactly 'Pins'
        $token.UserPinCountLow | Should -BeFalse
        Invoke-TestTool pkcs11-tool --module $SoftHsmLibrary --token-label Pins --change-pin --pin 24680 --new-pin 97531 | Out-Null
        $env:GNUTLS_PIN = '97531'
        Invoke-TestTool p11tool --login --generate-privkey ecdsa --label 'proof' $token.Uri | Out-Null
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Pins --login --pin 24680 --list-objects).Exit | Should -Not -Be 0
    }

    It 'reports a wrong current PIN once (one C_SetPIN, no C_Login, no retry) with the counter flags, and the token still takes the right one' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        Set-Pkcs11Pin -Uri (Get-ShimUri) -Pin (ConvertTo-TestPin 0000) -NewPin (ConvertTo-TestPin 2222) -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SetPkcs11PinPinIncorrect,SmartCardPS.Commands.SetPkcs11PinCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failures[0].Exception.Reason | Should -Be 'C_SetPIN returned CKR_PIN_INCORRECT'
        $failures[0].Exception.PinCountLow | Should -BeTrue
        $failures[0].Exception.Message | Should -Match "The PIN for token 'Counted' is incorrect \(CKR_PIN_INCORRECT\); it was not retried\. The token reports that few tries are left"
        $failures[0].Exception.Message | Should -Not -Match '0000|2222'
        $Shim.Returns('SetPIN') | Should -Be @(160)
        $Shim.Logins | Should -BeNullOrEmpty
        @(Get-Pkcs11Object -Uri (Get-ShimUri '&pin-value=1234') -Login).Count | Should -Be 0
        $Shim.Logins | Should -Be @(0)
    }

    It 'reports the final try the token announces (through the shim: SoftHSM never gets there)' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.AddTokenFlags([uint64][SmartCardPS.Pkcs11.Pkcs11TokenFlags]::UserPinFinalTry)
        try {
            $token = Get-Pkcs11Token -Module $Shim.LibraryPath -Label 'Counted'
            $token.UserPinFinalTry | Should -BeTrue
            ($token | Format-List | Out-String) | Should -Match 'UserPinFinalTry\s+: True'
            Set-Pkcs11Pin -Token $token -Pin (ConvertTo-TestPin 0000) -NewPin (ConvertTo-TestPin 2222) -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].Exception.PinFinalTry | Should -BeTrue
            $failures[0].Exception.Message | Should -Match 'One more wrong PIN locks it \(CKF_USER_PIN_FINAL_TRY\)'
        }
        finally { $Shim.AddTokenFlags(0) }
    }

    It 'changes the SO PIN after one C_Login as SO, and pkcs11-tool logs in as SO with the new one' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        Set-Pkcs11Pin -Uri (Get-ShimUri) -SecurityOfficer -Pin (ConvertTo-TestPin 0000) -NewPin (ConvertTo-TestPin 87654321) -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'SetPkcs11PinPinIncorrect,SmartCardPS.Commands.SetPkcs11PinCommand'
        $failures[0].Exception.SecurityOfficer | Should -BeTrue
        $failures[0].Exception.Message | Should -Match "The SO PIN for token 'Counted' is incorrect"
        $Shim.Logins | Should -Be @(160)
        Set-Pkcs11Pin -Uri (Get-ShimUri '&pin-value=5678') -SecurityOfficer -NewPin (ConvertTo-TestPin 87654321)
        $Shim.Logins | Should -Be @(160, 0)
        $Shim.Returns('SetPIN') | Should -Be @(0)
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --session-rw --login --login-type so --so-pin 87654321 --list-objects).Exit | Should -Be 0
    }

    It 'takes the new PIN as a credential''s password or as a SecureString, one C_SetPIN each, and never as a plain string' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        Set-Pkcs11Pin -Uri (Get-ShimUri '&pin-value=1234') -NewCredential ([pscredential]::new('not used', (ConvertTo-TestPin 4321)))
        $Shim.Returns('SetPIN') | Should -Be @(0)
        $Shim.Logins | Should -BeNullOrEmpty
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --login --pin 4321 --list-objects).Exit | Should -Be 0
        $Shim.ResetLog()
        Set-Pkcs11Pin -Uri (Get-ShimUri) -Credential ([pscredential]::new('x', (ConvertTo-TestPin 4321))) -NewPin (ConvertTo-TestPin 1234)
        $Shim.Returns('SetPIN') | Should -Be @(0)
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --login --pin 1234 --list-objects).Exit | Should -Be 0
        foreach ($name in 'Set-Pkcs11Pin', 'Reset-Pkcs11Pin') {
            $parameters = (Get-Command $name).Parameters
            $parameters.NewPin.ParameterType | Should -Be ([securestring])
            $parameters.NewCredential.ParameterType | Should -Be ([pscredential])
            $parameters.Values.Where({ $_.ParameterType -eq [string] -and $_.Name -match 'Pin' }) | Should -BeNullOrEmpty
        }
        { Set-Pkcs11Pin -Token 'Pins' -Pin (ConvertTo-TestPin 1) -NewPin (ConvertTo-TestPin 2) -NewCredential ([pscredential]::new('x', (ConvertTo-TestPin 2))) } |
            Should -Throw -ErrorId 'SetPkcs11PinPinConflict,SmartCardPS.Commands.SetPkcs11PinCommand'
    }

    It '-WhatIf loads no module and changes nothing, byte for byte' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        $before = Get-TokenDirectorySnapshot $Hsm
        $text = Get-WhatIfText { Set-Pkcs11Pin -Uri (Get-ShimUri '&pin-value=1234') -NewPin (ConvertTo-TestPin 2222) -WhatIf } $State.Scratch
        $text | Should -Match 'What if: Performing the operation "Change the user PIN" on target "''pkcs11:token=Counted\?module-path=.*&pin-value=\*\*\*''"'
        $text | Should -Not -Match '1234'
        $Shim.Log | Should -BeNullOrEmpty
        Get-TokenDirectorySnapshot $Hsm | Should -Be $before
    }

    It 'prompts only in an interactive session: -NonInteractive without a PIN is PinRequired and changes nothing' {
        $before = Get-TokenDirectorySnapshot $Hsm
        $script = "Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; " +
            "Set-Pkcs11Pin -Token 'Pins' -NewPin (ConvertTo-SecureString 5555 -AsPlainText -Force) -ErrorVariable e -ErrorAction SilentlyContinue; `$e[0].FullyQualifiedErrorId; `$e[0].Exception.Message; " +
            "Set-Pkcs11Pin -Token 'Pins' -Pin (ConvertTo-SecureString 97531 -AsPlainText -Force) -ErrorVariable e -ErrorAction SilentlyContinue; `$e[0].FullyQualifiedErrorId; `$e[0].Exception.Message"
        $out = & (Get-Command dotnet).Source (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1
        $out[0] | Should -Be 'SetPkcs11PinPinRequired,SmartCardPS.Commands.SetPkcs11PinCommand'
        $out[1] | Should -Match "Token 'Pins' needs its current user PIN: give -Pin, -Credential or a URI with pin-source \(this session cannot prompt\)"
        $out[2] | Should -Be 'SetPkcs11PinPinRequired,SmartCardPS.Commands.SetPkcs11PinCommand'
        $out[3] | Should -Match "Token 'Pins' needs its new user PIN: give -NewPin or -NewCredential \(this session cannot prompt\)"
        Get-TokenDirectorySnapshot $Hsm | Should -Be $before
    }

    It 'refuses the PIN given twice' {
        { Set-Pkcs11Pin -Token 'Pins' -Pin (ConvertTo-TestPin 1) -Credential ([pscredential]::new('x', (ConvertTo-TestPin 1))) -NewPin (ConvertTo-TestPin 2) } |
            Should -Throw -ErrorId 'SetPkcs11PinPinConflict,SmartCardPS.Commands.SetPkcs11PinCommand'
    }
}

Describe 'Reset-Pkcs11Pin' -Skip:$NoFixture {
    It 'unblocks a locked user PIN with one SO login and SoftHSM''s real C_InitPIN; a wrong SO PIN is one C_Login and no C_InitPIN' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.AddTokenFlags([uint64][SmartCardPS.Pkcs11.Pkcs11TokenFlags]::UserPinLocked)
        try {
            $locked = Get-Pkcs11Token -Module $Shim.LibraryPath -Label 'Counted'
            $locked.UserPinLocked | Should -BeTrue
            $Shim.ResetLog()
            $locked | Reset-Pkcs11Pin -SoPin (ConvertTo-TestPin 0000) -NewPin (ConvertTo-TestPin 13579) -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'ResetPkcs11PinPinIncorrect,SmartCardPS.Commands.ResetPkcs11PinCommand'
            $failures[0].Exception.SecurityOfficer | Should -BeTrue
            $Shim.Logins | Should -Be @(160)
            $Shim.Returns('InitPIN') | Should -BeNullOrEmpty
            $Shim.AddTokenFlags(0)
            $token = Reset-Pkcs11Pin -Uri (Get-ShimUri '&pin-value=87654321') -NewPin (ConvertTo-TestPin 13579) -Confirm:$false -PassThru
            $Shim.Logins | Should -Be @(160, 0)
            $Shim.Returns('InitPIN') | Should -Be @(0)
            $token.UserPinInitialized | Should -BeTrue
            $token.UserPinLocked | Should -BeFalse
            (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --login --pin 13579 --list-objects).Exit | Should -Be 0
        }
        finally { $Shim.AddTokenFlags(0) }
    }

    It 'sets the user PIN of a token initialised without one' {
        $token = Get-TestFreeToken | Initialize-Pkcs11Token -Label 'No user PIN' -SoPin (ConvertTo-TestPin 5678) -Confirm:$false
        $token.UserPinInitialized | Should -BeFalse
        $token = $token | Reset-Pkcs11Pin -SoPin (ConvertTo-TestPin 5678) -NewPin (ConvertTo-TestPin 112233) -Confirm:$false -PassThru
        $token.UserPinInitialized | Should -BeTrue
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label 'No user PIN' --login --pin 112233 --list-objects).Exit | Should -Be 0
    }

    It 'reports a write-protected token and a module without C_InitPIN clearly, and changes nothing' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.AddTokenFlags([uint64][SmartCardPS.Pkcs11.Pkcs11TokenFlags]::WriteProtected)
        try {
            Reset-Pkcs11Pin -Uri (Get-ShimUri '&pin-value=87654321') -NewPin (ConvertTo-TestPin 1) -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -Be 'ResetPkcs11PinWriteProtected,SmartCardPS.Commands.ResetPkcs11PinCommand'
            $failures[0].Exception.Message | Should -Match "write-protected \(CKF_WRITE_PROTECTED, CKR_TOKEN_WRITE_PROTECTED\): nothing was written"
        }
        finally { $Shim.AddTokenFlags(0) }
        $Shim.Fail('InitPIN', 0x54)
        try {
            $Shim.ResetLog()
            Reset-Pkcs11Pin -Uri (Get-ShimUri '&pin-value=87654321') -NewPin (ConvertTo-TestPin 1) -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -Be 'ResetPkcs11PinNotSupported,SmartCardPS.Commands.ResetPkcs11PinCommand'
            $failures[0].Exception.Message | Should -Match 'C_InitPIN returned CKR_FUNCTION_NOT_SUPPORTED'
            $Shim.Logins | Should -Be @(0)
        }
        finally { $Shim.Fail('InitPIN', $null) }
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --login --pin 13579 --list-objects).Exit | Should -Be 0
    }
    It 'takes the new user PIN as a credential''s password: one SO login, one C_InitPIN' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        Reset-Pkcs11Pin -Uri (Get-ShimUri '&pin-value=87654321') -NewCredential ([pscredential]::new('not used', (ConvertTo-TestPin 864200))) -Confirm:$false
        $Shim.Logins | Should -Be @(0)
        $Shim.Returns('InitPIN') | Should -Be @(0)
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --login --pin 864200 --list-objects).Exit | Should -Be 0
        { Reset-Pkcs11Pin -Token 'Counted' -SoPin (ConvertTo-TestPin 1) -NewPin (ConvertTo-TestPin 2) -NewCredential ([pscredential]::new('x', (ConvertTo-TestPin 2))) -Confirm:$false } |
            Should -Throw -ErrorId 'ResetPkcs11PinPinConflict,SmartCardPS.Commands.ResetPkcs11PinCommand'
    }
}

# A reader with a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH, which the shim adds): given no PIN at all, each command
# passes NULL PINs so that the pad asks, as Get-Pkcs11Object logs in. The shim plays the pad (it logs each NULL PIN and
# hands SoftHSM the PIN "typed" on it); the commands run in a -NonInteractive session, where a prompt would be an error.
Describe 'Set-Pkcs11Pin and Reset-Pkcs11Pin on a reader with a PIN pad' -Skip:$NoFixture {
    BeforeEach {
        if ($Shim) { $Shim.AddTokenFlags([uint64][SmartCardPS.Pkcs11.Pkcs11TokenFlags]::ProtectedAuthenticationPath) }
    }
    AfterEach {
        if ($Shim) { $Shim.AddTokenFlags(0); $Shim.PinPad() }
    }

    It 'changes the user PIN with both PINs typed on the pad: one C_SetPIN given NULL PINs, no C_Login, no prompt' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        $Shim.PinPad('864200', '246802')
        $out = Invoke-TestNonInteractive "Set-Pkcs11Pin -Uri '$(Get-ShimUri)'"
        $out | Should -Contain 'errors: 0'
        ($out -join "`n") | Should -Match "Enter the current user PIN, then the new user PIN, on the reader's PIN pad \(token 'Counted'\)"
        $Shim.PinPadCalls | Should -Be @('SetPIN', 'SetPIN')
        $Shim.Returns('SetPIN') | Should -Be @(0)
        $Shim.Logins | Should -BeNullOrEmpty
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --login --pin 246802 --list-objects).Exit | Should -Be 0
    }

    It 'changes the SO PIN on the pad: C_Login as SO and C_SetPIN, each given NULL PINs' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        $Shim.PinPad('87654321', '87654321', '13572468')
        $out = Invoke-TestNonInteractive "Set-Pkcs11Pin -Uri '$(Get-ShimUri)' -SecurityOfficer"
        $out | Should -Contain 'errors: 0'
        $Shim.PinPadCalls | Should -Be @('Login', 'SetPIN', 'SetPIN')
        $Shim.Logins | Should -Be @(0)
        $Shim.Returns('SetPIN') | Should -Be @(0)
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --session-rw --login --login-type so --so-pin 13572468 --list-objects).Exit | Should -Be 0
    }

    It 'sets the user PIN with the SO PIN and the new user PIN typed on the pad: C_Login as SO and C_InitPIN given NULL PINs' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        $Shim.PinPad('13572468', '975310')
        $out = Invoke-TestNonInteractive "Reset-Pkcs11Pin -Uri '$(Get-ShimUri)' -Confirm:`$false"
        $out | Should -Contain 'errors: 0'
        ($out -join "`n") | Should -Match "Enter the SO PIN, then the new user PIN, on the reader's PIN pad \(token 'Counted'\)"
        $Shim.PinPadCalls | Should -Be @('Login', 'InitPIN')
        $Shim.Logins | Should -Be @(0)
        $Shim.Returns('InitPIN') | Should -Be @(0)
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label Counted --login --pin 975310 --list-objects).Exit | Should -Be 0
    }

    It 'uses the pad only when no PIN is given: a PIN in the URI is passed as given, the new one still prompted for' {
        if (-not $Shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        $Shim.ResetLog()
        $out = Invoke-TestNonInteractive "Set-Pkcs11Pin -Uri '$(Get-ShimUri '&pin-value=975310')'"
        $out | Should -Contain 'SetPkcs11PinPinRequired,SmartCardPS.Commands.SetPkcs11PinCommand'
        $Shim.PinPadCalls | Should -BeNullOrEmpty
        $Shim.Returns('SetPIN') | Should -BeNullOrEmpty
    }
}
