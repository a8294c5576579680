BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/CardHolder.ps1')
    $script:Pcsc = Start-HeldCardFixture
    if ($Pcsc) { $script:Reader = $Pcsc.ReaderNames[0] }

    function Get-ExclusiveCheck { @(Test-SmartCardSetup | Where-Object Name -eq 'Exclusive use') }

    # The error Connect-SmartCard (or Send-SmartCardApdu -Reader) writes while the card is held.
    function Get-HeldError([switch] $Send) {
        if ($Send) { $null = Send-SmartCardApdu '00 A4 00 0C 02 3F 00' -Reader $Reader -ErrorVariable err -ErrorAction SilentlyContinue }
        else { $null = Connect-SmartCard $Reader -ErrorVariable err -ErrorAction SilentlyContinue }
        $err | Should -HaveCount 1
        $err[0]
    }
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'A sharing violation names who holds the card' -Skip:$NoFixture {
    BeforeEach { Assert-TestDependency (Test-Pyscard) "Debian's /usr/bin/python3 with python3-pyscard" }

    It 'names a python3 process holding the card exclusively, with its pid and command line' {
        $holder = Start-CardHolder $Reader -Exclusive
        try {
            $err = Get-HeldError
            $err.FullyQualifiedErrorId | Should -Be 'ConnectSmartCardSharingViolation,SmartCardPS.Commands.ConnectSmartCardCommand'
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $err.Exception.Error | Should -Be 'SharingViolation'
            $err.Exception.Message -match "'python3' \(pid $($holder.Id), user \S+: '([^']*)'" | Should -BeTrue -Because $err.Exception.Message
            # The command line as /proc has it, shortened with an ellipsis when long (a checkout deep in /tmp makes it so).
            $shown = $Matches[1]
            $real = (Get-Content -Raw "/proc/$($holder.Id)/cmdline").TrimEnd([char]0).Replace([char]0, ' ')
            $real | Should -Match '^/usr/bin/python3 \S*hold-card\.py '
            if ($shown.EndsWith('…')) { $real | Should -BeLike "$([WildcardPattern]::Escape($shown.TrimEnd('…')))*" } else { $shown | Should -BeExactly $real }
            $err.Exception.Message | Should -Not -Match 'gpgconf'
        }
        finally { Stop-CardHolder $holder }
    }

    It 'names scdaemon and says how to stop it and keep it off the card (Connect-SmartCard and Send-SmartCardApdu)' {
        $holder = Start-CardHolder $Reader -Exclusive -As scdaemon
        try {
            foreach ($err in (Get-HeldError), (Get-HeldError -Send)) {
                $err.Exception.Message | Should -Match "'scdaemon' \(pid $($holder.Id),"
                $err.Exception.Message | Should -BeLike "*'gpgconf --kill scdaemon'*"
                $err.Exception.Message | Should -BeLike "*'disable-ccid'*'pcsc-shared'*scdaemon.conf*"
            }
            (Get-HeldError -Send).FullyQualifiedErrorId | Should -Be 'SendSmartCardApduSharingViolation,SmartCardPS.Commands.SendSmartCardApduCommand'
        }
        finally { Stop-CardHolder $holder }
    }

    It 'escapes a holder whose name carries a terminal escape' {
        $holder = Start-CardHolder $Reader -Exclusive -As "evil`e[31mred"
        try {
            $message = (Get-HeldError).Exception.Message
            $message | Should -BeLike "*'evil\x1B``[31mred' (pid $($holder.Id),*"
            $message | Should -Not -Match "`e"
        }
        finally { Stop-CardHolder $holder }
    }

    It "says when this session's own exclusive connection holds the card, and which, blaming no other program (issue 23, item 4)" {
        $own = Connect-SmartCard $Reader -ShareMode Exclusive
        try {
            foreach ($err in (Get-HeldError), (Get-HeldError -Send)) {
                $message = $err.Exception.Message
                $message | Should -BeLike '*this PowerShell process holds the card itself*'
                $message | Should -Not -Match 'python3|pid |gpg-agent|scdaemon|Another program'
                # Which connection: the variable that holds it, how and when it was opened, and the command that closes it.
                $message | Should -BeLike "*`$own (Connect-SmartCard -ShareMode Exclusive at *, still open)*'Disconnect-SmartCard `$own'*"
                $message | Should -Match 'Exclusive at \d\d:\d\d:\d\d,'
            }
            # Pasted as it stands, the command frees the card.
            $null = (Get-HeldError) -match "'(Disconnect-SmartCard [^']+)'"
            Invoke-Expression $Matches[1]
            $own.IsConnected | Should -BeFalse
        }
        finally { if ($own.IsConnected) { Disconnect-SmartCard $own } }
        Connect-SmartCard $Reader | Disconnect-SmartCard
    }

    It "says which connection when no variable holds it any more (issue 23, item 4)" {
        # Held inside a table: no variable's value is the connection itself.
        $table = @{ Connection = (Connect-SmartCard $Reader -ShareMode Exclusive) }
        try {
            $message = (Get-HeldError).Exception.Message
            $message | Should -BeLike "*its connection to '$([WildcardPattern]::Escape($Reader))' (Connect-SmartCard -ShareMode Exclusive at *, still open)*Disconnect-SmartCard*"
        }
        finally { Disconnect-SmartCard $table.Connection }
    }
}

Describe "Test-SmartCardSetup's Exclusive use check" -Skip:$NoFixture {
    BeforeEach { Assert-TestDependency (Test-Pyscard) "Debian's /usr/bin/python3 with python3-pyscard" }

    It 'warns while scdaemon holds a reader exclusively, naming it and the gpgconf remedy; passes once it is gone' {
        $holder = Start-CardHolder $Reader -Exclusive -As scdaemon
        try {
            $check = Get-ExclusiveCheck
            $check | Should -HaveCount 1
            $check[0].Status | Should -Be 'Warn'
            $check[0].Detail | Should -BeLike "'$([WildcardPattern]::Escape($Reader))' is held exclusively*'scdaemon' (pid $($holder.Id),*"
            $check[0].Remedy | Should -BeLike "*'gpgconf --kill scdaemon'*'disable-ccid'*'pcsc-shared'*"
        }
        finally { Stop-CardHolder $holder }
        $after = Get-ExclusiveCheck
        $after[0].Status | Should -Be 'Pass'
    }

    It "names this session's own exclusive connection instead of another program" {
        $own = Connect-SmartCard $Reader -ShareMode Exclusive
        try {
            $check = Get-ExclusiveCheck
            $check[0].Status | Should -Be 'Warn'
            $check[0].Detail | Should -BeLike '*this PowerShell process holds it*'
            $check[0].Remedy | Should -BeLike '*Disconnect-SmartCard*'
        }
        finally { Disconnect-SmartCard $own }
    }
}
