BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Labels = 'Set one', 'Set two'
    $script:Hsm = Start-TestSoftHsm -Label $Labels
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

# p11tool --list-tokens leaves out uninitialised tokens (SoftHSM's spare one); so does Get-Pkcs11Token by default.
Describe 'The token set of Get-Pkcs11Token' -Skip:$NoFixture {
    BeforeAll {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
    }

    It 'lists by default exactly the tokens p11tool --list-tokens lists' {
        $ours = @(Get-Pkcs11Token -Module softhsm2)
        $theirs = @(Get-P11toolToken | Where-Object Model -EQ 'SoftHSM v2')
        $theirs.Count | Should -Be $Labels.Count
        $ours.Uri | Should -Be $theirs.URL
        $ours.TokenInitialized | Should -Not -Contain $false
    }

    It 'shows the uninitialised token only with -IncludeEmptySlots, flagged so a script can filter on it' {
        $all = @(Get-Pkcs11Token -Module softhsm2 -IncludeEmptySlots)
        $all.Count | Should -Be ($Labels.Count + 1)
        $spare = @($all | Where-Object TokenInitialized -EQ $false)
        $spare.Count | Should -Be 1
        $spare[0].TokenPresent | Should -BeTrue
        $spare[0].Label | Should -BeNullOrEmpty
        @($all | Where-Object TokenInitialized).Uri | Should -Be (Get-Pkcs11Token -Module softhsm2).Uri
        ($all | ConvertTo-Json | ConvertFrom-Json).TokenInitialized | Sort-Object | Should -Be $false, $true, $true
    }

    It 'gives the uninitialised token a URI with its slot-id that names it alone' {
        $spare = Get-Pkcs11Token -Module softhsm2 -IncludeEmptySlots | Where-Object TokenInitialized -EQ $false
        $spare.Uri | Should -Match ('(^pkcs11:|;)slot-id={0}(;|$)' -f $spare.SlotId)
        $attributes = [SmartCardPS.Pkcs11.Pkcs11UriText]::Parse($spare.Uri)
        $matching = @(Get-Pkcs11Token -IncludeEmptySlots | Where-Object { [SmartCardPS.Pkcs11.Pkcs11UriText]::Matches($attributes, $_) })
        $matching.Count | Should -Be 1
        $matching[0].SlotId | Should -Be $spare.SlotId
    }

    It 'Get-Pkcs11Mechanism -Uri on that URI returns that slot''s mechanisms only' {
        $spare = Get-Pkcs11Token -Module softhsm2 -IncludeEmptySlots | Where-Object TokenInitialized -EQ $false
        $one = @(Get-Pkcs11Mechanism -Token (Get-Pkcs11Token -Label 'Set one')).Name
        $one.Count | Should -BeGreaterThan 0
        $byUri = @(Get-Pkcs11Mechanism -Uri $spare.Uri -ErrorAction Stop)
        $byUri.Count | Should -Be $one.Count
        ($byUri.Name | Sort-Object) | Should -Be ($one | Sort-Object)
        @($byUri.SlotId | Sort-Object -Unique) | Should -Be $spare.SlotId
    }

    It 'takes a piped uninitialised token to Get-Pkcs11Mechanism' {
        $spare = Get-Pkcs11Token -Module softhsm2 -IncludeEmptySlots | Where-Object TokenInitialized -EQ $false
        @($spare | Get-Pkcs11Mechanism -ErrorAction Stop).Count | Should -BeGreaterThan 0
    }
}
