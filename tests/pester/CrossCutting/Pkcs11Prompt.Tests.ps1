# What a person types at the prompt about tokens and modules: exact labels with brackets, completions that round-trip,
# tokens piped to Get-Pkcs11Module, and default views that keep the label and slot at 80 and 120 columns.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/TableText.ps1')
    $script:Labels = 'Demo [PIV] token', 'Demo P token', 'A label long enough to wrap: 32b', "Bob`u{2019}s `u{201A}quoted`u{201B} token"
    $script:Hsm = Start-TestSoftHsm -Label $Labels
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'PKCS#11 names and views at the prompt' -Skip:$NoFixture {
    BeforeAll {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
    }

    It 'matches an exact label holding brackets, which as a wildcard would also match another token' {
        # As a pattern, '[PIV]' is one of P, I, V: 'Demo P token' would match it too.
        @(Get-Pkcs11Token -Label 'Demo [PIV] token').Label | Should -Be 'Demo [PIV] token'
        @(Get-Pkcs11Token -Label 'Demo [PV] token').Label | Should -Be 'Demo P token'
        @(Get-Pkcs11Token -Label ([WildcardPattern]::Escape('Demo [PIV] token'))).Label | Should -Be 'Demo [PIV] token'
        Get-Pkcs11Token -Label 'Demo [X] token' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11TokenNotFound,SmartCardPS.Commands.GetPkcs11TokenCommand'
    }

    It 'completes token labels escaped, so each completion names exactly its token' {
        $line = 'Get-Pkcs11Token -Label Demo'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.ListItemText | Sort-Object | Should -Be @('Demo [PIV] token', 'Demo P token')
        foreach ($match in $completion.CompletionMatches) {
            @(Invoke-Expression ('Get-Pkcs11Token -Label ' + $match.CompletionText)).Label | Should -Be $match.ListItemText
        }
    }

    It 'completes a label holding typographic quotes, which PowerShell reads as quotes too, so that it pastes' {
        $line = 'Get-Pkcs11Token -Label Bob'
        $match = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches)
        $match.ListItemText | Should -Be $Labels[3]
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseInput('Get-Pkcs11Token -Label ' + $match[0].CompletionText, [ref] $null, [ref] $errors) | Out-Null
        $errors | Should -BeNullOrEmpty
        @(Invoke-Expression ('Get-Pkcs11Token -Label ' + $match[0].CompletionText)).Label | Should -Be $Labels[3]
    }

    It 'completes module names from the registry' {
        $line = 'Get-Pkcs11Token -Module soft'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "'softhsm2'"
        $line = 'Get-Pkcs11Module -Name soft'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "'softhsm2'"
    }

    It 'gives each piped token its module' {
        $tokens = @(Get-Pkcs11Token)
        $modules = @($tokens | Get-Pkcs11Module)
        $modules.Count | Should -Be $tokens.Count
        $modules.Name | Sort-Object -Unique | Should -Be 'softhsm2'
        $modules | ForEach-Object { $_ | Should -BeOfType ([SmartCardPS.P11Kit.Pkcs11Module]) }
    }

    It 'takes token labels for -Token, exact first, and says which label matches nothing' {
        $expected = @(Get-Pkcs11Token -Label 'Demo [PIV] token' | Where-Object Label -EQ 'Demo [PIV] token' | Get-Pkcs11Mechanism).Name
        $expected | Should -Not -BeNullOrEmpty
        @(Get-Pkcs11Mechanism -Token 'Demo [PIV] token').Name | Should -Be $expected
        @(Get-Pkcs11Mechanism -Token 'Demo P token', 'Demo [PIV] token' | Select-Object -ExpandProperty Token -Unique) | Should -Be @('Demo P token', 'Demo [PIV] token')
        Get-Pkcs11Mechanism -Token 'No such token' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11MechanismTokenNotFound,SmartCardPS.Commands.GetPkcs11MechanismCommand'
        $line = 'Get-Pkcs11Mechanism -Token Demo'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.ListItemText | Sort-Object | Should -Be @('Demo [PIV] token', 'Demo P token')
    }

    # Issue 23, item 8: no header or status wrapped mid-word, and Format-Table -AutoSize (as the demo runs it) keeps
    # the columns that identify a token.
    It 'keeps headers, status texts and slot descriptions whole at <_> columns, and every identifying column with -AutoSize' -ForEach 80, 120 {
        $width = $_
        $slots = @(Get-Pkcs11Token -IncludeEmptySlots)
        $uninitialized = @($slots | Where-Object { -not $_.TokenInitialized })
        $uninitialized.Count | Should -BeGreaterThan 0 -Because 'SoftHSM always offers one free slot'
        $lines = ($slots | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        $columns = Get-TableColumnText $lines
        @($columns.PSObject.Properties.Name) | Should -Be 'Label', 'SlotId', 'SerialNumber', 'Slot'
        $columns.Slot | Should -BeExactly ($slots.SlotDescription -join ' ')
        $columns.SerialNumber | Should -BeExactly (($slots.SerialNumber | Where-Object { $_ }) -join ' ')
        $columns.Label | Should -Match ([regex]::Escape('(not initialized)'))
        $auto = ($slots | Format-Table -AutoSize | Out-String -Width $width) -split "`r?`n"
        $auto -match '^Label\s+SlotId\s+SerialNumber\b' | Should -HaveCount 1
        foreach ($token in $slots | Where-Object TokenInitialized) {
            $auto -match ([regex]::Escape($token.Label) + '\s+' + $token.SlotId + '\s+' + $token.SerialNumber) | Should -Not -BeNullOrEmpty
        }
    }

    It 'keeps every label and slot id whole in its default table at <_> columns' -ForEach 80, 120 {
        $width = $_
        $tokens = @(Get-Pkcs11Token)
        $lines = ($tokens | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        $lines -match '^\s+Module: softhsm2$' | Should -HaveCount 1
        $lines -match '^Label\s+SlotId\s+SerialNumber\s+Slot$' | Should -HaveCount 1
        foreach ($token in $tokens) {
            $lines -match ([regex]::Escape($token.Label) + '\s+' + $token.SlotId + '\s') | Should -Not -BeNullOrEmpty -Because "'$($token.Label)' and its slot $($token.SlotId) must show"
        }
        $mechanisms = ($tokens[0] | Get-Pkcs11Mechanism | Select-Object -First 5 | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $mechanisms) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        $modules = (Get-Pkcs11Module | Out-String -Width $width) -split "`r?`n"
        $modules -match '^softhsm2\s' | Should -Not -BeNullOrEmpty
    }
}
