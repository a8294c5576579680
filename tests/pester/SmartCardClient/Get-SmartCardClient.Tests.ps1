BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/CardHolder.ps1')
    $script:Id = 'SmartCardPS.Commands.GetSmartCardClientCommand'
    $script:Pcsc = Start-HeldCardFixture
    if ($Pcsc) { $script:Reader = $Pcsc.ReaderNames[0] }
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Get-SmartCardClient with a real pyscard client of the fixture pcscd' -Skip:$NoFixture {
    BeforeAll {
        $script:Holder = if (Test-Pyscard) { Start-CardHolder $Reader }
    }
    AfterAll { Stop-CardHolder $script:Holder }

    BeforeEach { Assert-TestDependency (Test-Pyscard) "Debian's /usr/bin/python3 with python3-pyscard" }

    It 'lists the python3 process with its pid, command line, user and connections' {
        $client = @(Get-SmartCardClient | Where-Object ProcessId -eq $Holder.Id)
        $client.Count | Should -Be 1
        $client[0].ProcessName | Should -Be 'python3'
        $client[0].CommandLine | Should -Be "/usr/bin/python3 $((Resolve-Path (Join-Path $PSScriptRoot '../Support/data/hold-card.py')).Path) $Reader shared"
        $client[0].User | Should -Be ([Environment]::UserName)
        $client[0].Connections | Should -BeGreaterOrEqual 1
        $client[0].IsCurrentProcess | Should -BeFalse
    }

    It 'lists only processes connected to pcscd: a python3 that is not connected is not there' {
        $psi = [Diagnostics.ProcessStartInfo]::new('/usr/bin/python3')
        $psi.ArgumentList.Add('-c'); $psi.ArgumentList.Add('import time; time.sleep(20)')
        $idle = [Diagnostics.Process]::Start($psi)
        try {
            Start-Sleep -Milliseconds 300
            @(Get-SmartCardClient).ProcessId | Should -Not -Contain $idle.Id
            @(Get-SmartCardClient).ProcessId | Should -Contain $Holder.Id
        }
        finally { $idle.Kill(); $idle.WaitForExit() }
    }

    It 'filters by -Name with wildcards and by -ProcessId' {
        @(Get-SmartCardClient -Name 'pyth*').ProcessId | Should -Contain $Holder.Id
        @(Get-SmartCardClient -Name 'nothing-like-this*') | Should -BeNullOrEmpty
        @(Get-SmartCardClient -ProcessId $Holder.Id).ProcessId | Should -Be @($Holder.Id)
        @(Get-Process -Id $Holder.Id | Get-SmartCardClient).ProcessId | Should -Be @($Holder.Id)
    }

    It 'answers for piped processes, leaving out those that are not clients without an error each' {
        $clients = @(Get-Process | Get-SmartCardClient -ErrorVariable err)
        $err | Should -BeNullOrEmpty
        $clients.ProcessId | Should -Contain $Holder.Id
        @(Get-Process -Id $PID | Get-SmartCardClient) | Should -BeNullOrEmpty
    }

    It 'writes ObjectNotFound for a literal name or an id that is not a client' {
        $null = Get-SmartCardClient -Name 'no-such-client' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "GetSmartCardClientNotFound,$Id"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $null = Get-SmartCardClient -ProcessId $PID -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -Be "GetSmartCardClientNotFound,$Id"
    }

    It 'completes process names with Tab' {
        $line = 'Get-SmartCardClient -Name pyth'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.ListItemText | Should -Contain 'python3'
    }

    It 'survives ConvertTo-Json' {
        $back = Get-SmartCardClient -ProcessId $Holder.Id | ConvertTo-Json | ConvertFrom-Json
        $back.ProcessId | Should -Be $Holder.Id
        $back.ProcessName | Should -Be 'python3'
        $back.Connections | Should -BeGreaterOrEqual 1
    }

    It 'shows ProcessId, ProcessName, User and Connections whole at 80 columns' {
        $text = Get-SmartCardClient -ProcessId $Holder.Id | Out-String -Width 80
        $lines = $text -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^ProcessId ProcessName\s+User\s+Connections CommandLine'
        $lines[2] | Should -Match "^\s*$($Holder.Id) python3\s+$([Environment]::UserName)\s+\d+ /usr/bin/python3"
        ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
}

Describe 'Get-SmartCardClient without the right to read every process' -Skip:$NoFixture {
    BeforeEach {
        Assert-TestDependency (Test-Pyscard) "Debian's /usr/bin/python3 with python3-pyscard"
        Assert-TestDependency (@(Get-Command setpriv, unshare -ErrorAction SilentlyContinue).Count -eq 2) 'setpriv and unshare (util-linux)'
    }

    It 'warns with the count of connections and the pid it could not read, instead of skipping the holder silently' {
        # The holder runs as nobody; the lister runs in a user namespace of its own, where root has no power over
        # other users' processes, as an ordinary user has none.
        $holder = Start-CardHolder $Reader -Uid 65534
        try {
            $pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
            $script = "Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; `$c = @(Get-SmartCardClient -WarningVariable w -WarningAction SilentlyContinue); 'clients:' + (`$c.ProcessId -join ','); 'warning:' + `$w[0]"
            $out = & unshare --user --map-root-user ([Environment]::ProcessPath) @pwshArgs -NoProfile -NonInteractive -Command $script 2>&1
            $warning = ($out | Where-Object { "$_" -like 'warning:*' }) -replace '^warning:'
            $warning | Should -Match "^\d+ connection\(s\) to the PC/SC service belong to processes this user cannot inspect \(\d+ process(es)? could not be read: [0-9, ]*\b$($holder.Id)\b"
            ($out | Where-Object { "$_" -like 'clients:*' }) -replace '^clients:' -split ',' | Should -Not -Contain "$($holder.Id)"
            # As root, the same holder is listed.
            @(Get-SmartCardClient).ProcessId | Should -Contain $holder.Id
        }
        finally { Stop-CardHolder $holder }
    }
}

