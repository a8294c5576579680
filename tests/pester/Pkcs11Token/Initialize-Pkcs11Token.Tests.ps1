BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:State = Start-TestProvisioning -Label 'Existing'
    if ($State) {
        $script:Hsm = $State.Hsm
        $script:SoPin = ConvertTo-TestPin 5678
        Add-TestCertificate -Hsm $Hsm -TokenLabel 'Existing' -Label 'kept cert'
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Initialize-Pkcs11Token' -Skip:$NoFixture {
    It 'initialises the free slot with both PINs, as p11tool, softhsm2-util and pkcs11-tool then see it' {
        $token = Get-TestFreeToken | Initialize-Pkcs11Token -Label 'New é' -SoPin $SoPin -UserPin (ConvertTo-TestPin 24680) -Confirm:$false
        $token | Should -BeOfType ([SmartCardPS.Pkcs11.Pkcs11Token])
        $token.Label | Should -BeExactly 'New é'
        $token.TokenInitialized | Should -BeTrue
        $token.UserPinInitialized | Should -BeTrue
        (Get-P11toolToken | Where-Object Label -eq 'New é').URL | Should -BeExactly $token.Uri
        (& softhsm2-util --show-slots) -join "`n" | Should -Match 'Label:\s+New é'
        $env:GNUTLS_PIN = '24680'
        Invoke-TestTool p11tool --login --generate-privkey ecdsa --label 'proof' $token.Uri | Out-Null
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label 'New é' --login --pin 24680 --list-objects).Exit | Should -Be 0
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label 'New é' --session-rw --login --login-type so --so-pin 5678 --list-objects).Exit | Should -Be 0
    }

    It 'refuses an initialised token without -Force, naming how many objects it would erase, and changes nothing' {
        $before = Get-TokenDirectorySnapshot $Hsm
        $result = Initialize-Pkcs11Token -Token 'Existing' -Label 'Wiped' -SoPin $SoPin -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'InitializePkcs11TokenTokenInitialized,SmartCardPS.Commands.InitializePkcs11TokenCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $failures[0].Exception.Message | Should -Match "'Existing' is initialised and holds 1 public object\(s\) and every private one.*-Force"
        Get-TokenDirectorySnapshot $Hsm | Should -Be $before
    }

    It '-WhatIf loads no module and changes nothing, byte for byte' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $before = Get-TokenDirectorySnapshot $Hsm
            $objects = @(Get-Pkcs11Object -Token 'Existing').Uri
            $text = Get-WhatIfText { Initialize-Pkcs11Token -Uri "pkcs11:token=Existing?module-path=$($shim.LibraryPath)" -Label 'Wiped' -SoPin $SoPin -Force -WhatIf } $State.Scratch
            $text | Should -Match "What if: Performing the operation ""Initialise as 'Wiped', setting the SO PIN \(an initialised token loses every object\)"" on target ""'pkcs11:token=Existing\?module-path="
            $shim.Log | Should -BeNullOrEmpty -Because 'no module may be loaded under -WhatIf'
            $text = Get-WhatIfText { Get-Pkcs11Token -Label 'Existing' | Initialize-Pkcs11Token -Label 'Wiped' -SoPin $SoPin -Force -WhatIf } $State.Scratch
            $text | Should -Match "on target ""token 'Existing' \('pkcs11:model="
            Get-TokenDirectorySnapshot $Hsm | Should -Be $before
            @(Get-Pkcs11Object -Token 'Existing').Uri | Should -Be $objects
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'reports a wrong SO PIN once (one C_InitToken, no retry) with the SO flag, and keeps the token' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $uri = "pkcs11:token=Existing?module-path=$($shim.LibraryPath)"
            Initialize-Pkcs11Token -Uri $uri -Label 'Wiped' -SoPin (ConvertTo-TestPin 0000) -Force -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'InitializePkcs11TokenPinIncorrect,SmartCardPS.Commands.InitializePkcs11TokenCommand'
            $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $failures[0].Exception.SecurityOfficer | Should -BeTrue
            $failures[0].Exception.Message | Should -Match "The SO PIN for token 'Existing' is incorrect \(CKR_PIN_INCORRECT\); it was not retried"
            $failures[0].Exception.Message | Should -Not -Match '0000'
            $shim.Returns('InitToken') | Should -Be @(160)
            $shim.Logins | Should -BeNullOrEmpty
            (Get-Pkcs11Object -Token 'Existing' -Type Certificate).Label | Should -Be 'kept cert'
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'refuses a label that does not fit 32 bytes or holds a control character, before loading anything' {
        { Initialize-Pkcs11Token -Token 'Existing' -Label ('é' * 17) -SoPin $SoPin -Force -Confirm:$false } |
            Should -Throw -ErrorId 'InitializePkcs11TokenInvalidLabel,SmartCardPS.Commands.InitializePkcs11TokenCommand' -ExpectedMessage '*34 bytes in UTF-8*at most 32*'
        { Initialize-Pkcs11Token -Token 'Existing' -Label "a`eb" -SoPin $SoPin -Force -Confirm:$false } |
            Should -Throw -ErrorId 'InitializePkcs11TokenInvalidLabel,SmartCardPS.Commands.InitializePkcs11TokenCommand'
    }

    It 're-initialises with -Force: every object goes, the new label shows, and the user PIN is unset until given' {
        $token = Initialize-Pkcs11Token -Token 'Existing' -Label 'Reborn' -SoPin $SoPin -Force -Confirm:$false
        $token.Label | Should -BeExactly 'Reborn'
        $token.UserPinInitialized | Should -BeFalse
        @(Get-P11toolToken).Label | Should -Not -Contain 'Existing'
        $listing = Invoke-TestToolStatus p11tool --list-all $token.Uri
        $listing.Output | Should -Not -Match 'kept cert'
    }

    It 'names the token that no input matches, and several that a URI matches' {
        Initialize-Pkcs11Token -Token 'No such token' -Label 'x' -SoPin $SoPin -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InitializePkcs11TokenTokenNotFound,SmartCardPS.Commands.InitializePkcs11TokenCommand'
        Initialize-Pkcs11Token -Uri 'pkcs11:manufacturer=SoftHSM%20project' -Label 'x' -SoPin $SoPin -Force -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InitializePkcs11TokenAmbiguousToken,SmartCardPS.Commands.InitializePkcs11TokenCommand'
        $failures[0].Exception.Message | Should -Match 'names 2 tokens: .*nothing was changed'
    }

    It 'initialises the uninitialised slot that -Module and -SlotId name, the slot softhsm2-util --show-slots lists as not initialised' {
        # softhsm2-util's blocks: "Slot N" and, under Token info, "Initialized: no" for the free slot.
        $blocks = ((& softhsm2-util --show-slots) -join "`n") -split '(?m)^(?=Slot \d+)'
        $free = @($blocks | Where-Object { $_ -match '(?m)^\s+Initialized:\s+no\s*$' } | ForEach-Object { [uint64]($_ -replace '(?s)^Slot (\d+).*', '$1') })
        $free.Count | Should -Be 1
        $free[0] | Should -Be (Get-TestFreeToken).SlotId
        $token = Initialize-Pkcs11Token -Module softhsm2 -SlotId $free[0] -Label 'By slot' -SoPin $SoPin -UserPin (ConvertTo-TestPin 13579) -Confirm:$false
        $token.Label | Should -BeExactly 'By slot'
        $token.UserPinInitialized | Should -BeTrue
        (& softhsm2-util --show-slots) -join "`n" | Should -Match 'Label:\s+By slot'
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label 'By slot' --login --pin 13579 --list-objects).Exit | Should -Be 0
    }

    It '-Module and -SlotId: a library path works as a module name does, an unknown slot or module is named, -WhatIf loads nothing' {
        $free = Get-TestFreeToken
        $text = Get-WhatIfText { Initialize-Pkcs11Token -Module $SoftHsmLibrary -SlotId $free.SlotId -Label 'Path' -SoPin $SoPin -WhatIf } $State.Scratch
        $text | Should -Match "What if: Performing the operation ""Initialise as 'Path', setting the SO PIN.*"" on target ""slot $($free.SlotId) of module '$([regex]::Escape($SoftHsmLibrary))'"""
        (Get-TestFreeToken).SlotId | Should -Be $free.SlotId
        Initialize-Pkcs11Token -Module softhsm2 -SlotId 4242 -Label 'x' -SoPin $SoPin -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InitializePkcs11TokenTokenNotFound,SmartCardPS.Commands.InitializePkcs11TokenCommand'
        $failures[0].Exception.Message | Should -Match "No PKCS#11 token matches slot 4242 of module 'softhsm2'"
        Initialize-Pkcs11Token -Module 'no-such-module' -SlotId 0 -Label 'x' -SoPin $SoPin -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'InitializePkcs11TokenModuleNotFound,SmartCardPS.Commands.InitializePkcs11TokenCommand'
        $token = Initialize-Pkcs11Token -Module $SoftHsmLibrary -SlotId $free.SlotId -Label 'By path' -SoPin $SoPin -Confirm:$false
        $token.Label | Should -BeExactly 'By path'
        (& softhsm2-util --show-slots) -join "`n" | Should -Match 'Label:\s+By path'
        $slotSet = (Get-Command Initialize-Pkcs11Token).ParameterSets | Where-Object Name -EQ 'Slot'
        @($slotSet.Parameters | Where-Object IsMandatory | ForEach-Object Name) | Should -Be @('Module', 'SlotId', 'Label')
    }

    It '-Module completes as Get-Pkcs11Token -Module does' {
        $completed = foreach ($command in 'Initialize-Pkcs11Token', 'Get-Pkcs11Token') {
            $line = "$command -Module softh"
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) -join ' '
        }
        $completed | Should -Be @("'softhsm2'", "'softhsm2'")
    }

    It 'takes the PINs as PSCredentials too, and refuses a PIN given twice' {
        $so = [pscredential]::new('so', (ConvertTo-TestPin 86420))
        $user = [pscredential]::new('user', (ConvertTo-TestPin 97531))
        $token = Get-TestFreeToken | Initialize-Pkcs11Token -Label 'Credentials' -SoCredential $so -UserCredential $user -Confirm:$false
        $token.UserPinInitialized | Should -BeTrue
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label 'Credentials' --login --pin 97531 --list-objects).Exit | Should -Be 0
        (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label 'Credentials' --session-rw --login --login-type so --so-pin 86420 --list-objects).Exit | Should -Be 0
        { Initialize-Pkcs11Token -Token 'Credentials' -Label 'x' -SoPin $SoPin -SoCredential $so -Force -Confirm:$false } |
            Should -Throw -ErrorId 'InitializePkcs11TokenPinConflict,SmartCardPS.Commands.InitializePkcs11TokenCommand'
    }

    It 'asks for a left-out SO PIN only where it can prompt: PinRequired in a -NonInteractive session, nothing changed' {
        $free = Get-TestFreeToken
        $before = Get-TokenDirectorySnapshot $Hsm
        $out = Invoke-TestNonInteractive "Initialize-Pkcs11Token -Module softhsm2 -SlotId $($free.SlotId) -Label 'No PIN' -Confirm:`$false"
        $out | Should -Contain 'InitializePkcs11TokenPinRequired,SmartCardPS.Commands.InitializePkcs11TokenCommand'
        Get-TokenDirectorySnapshot $Hsm | Should -Be $before
    }

    # A reader with a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH, which the shim adds): given no PIN, C_InitToken gets
    # a NULL SO PIN so that the pad asks; the shim plays the pad, in a -NonInteractive session where a prompt would fail.
    It 'initialises a token on a reader with a PIN pad: C_InitToken given a NULL SO PIN, typed on the pad, no prompt' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $shim.AddTokenFlags([uint64][SmartCardPS.Pkcs11.Pkcs11TokenFlags]::ProtectedAuthenticationPath)
            $shim.PinPad('24681357')
            $free = Get-TestFreeToken
            $out = Invoke-TestNonInteractive "Initialize-Pkcs11Token -Module '$($shim.LibraryPath)' -SlotId $($free.SlotId) -Label 'Padded' -Confirm:`$false"
            $out | Should -Contain 'errors: 0'
            ($out -join "`n") | Should -Match "Enter the SO PIN on the reader's PIN pad"
            $shim.PinPadCalls | Should -Be @('InitToken')
            $shim.Returns('InitToken') | Should -Be @(0)
            (& softhsm2-util --show-slots) -join "`n" | Should -Match 'Label:\s+Padded'
            (Invoke-TestToolStatus pkcs11-tool --module $SoftHsmLibrary --token-label 'Padded' --session-rw --login --login-type so --so-pin 24681357 --list-objects).Exit | Should -Be 0
        }
        finally { $shim.Dispose() }
    }
}
