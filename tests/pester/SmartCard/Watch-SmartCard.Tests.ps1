BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/TableText.ps1')
    $script:Pcsc = Start-TestPcsc
    $script:AtrA = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A'
    $script:AtrB = '3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4'

    . (Join-Path $PSScriptRoot '../Support/WatchRunspace.ps1')
    function Start-TestWatch([hashtable] $Parameters = @{}) {
        Start-WatchRunspace -Manifest (Join-Path $script:ModuleDir 'SmartCardPS.psd1') -Parameters $Parameters
    }

    # By index: enumerating a PSDataCollection that is still open blocks until the watch ends.
    function Get-TestWatchEvent($Watch) {
        for ($i = 0; $i -lt $Watch.Output.Count; $i++) { $Watch.Output[$i] }
    }

    function Wait-TestWatch($Watch, [int] $Count, [int] $TimeoutMs = 10000) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        while ($Watch.Output.Count -lt $Count) {
            if ($sw.ElapsedMilliseconds -gt $TimeoutMs) { throw "Only $($Watch.Output.Count) of $Count events within $TimeoutMs ms: $((Get-TestWatchEvent $Watch | ForEach-Object { Format-TestEvent $_ }) -join '; ')" }
            Start-Sleep -Milliseconds 10
        }
        @(Get-TestWatchEvent $Watch | ForEach-Object { Format-TestEvent $_ })
    }

    function Stop-TestWatch($Watch) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $Watch.PowerShell.Stop()
        $sw.Elapsed
        $Watch.PowerShell.Dispose()
    }

    function Format-TestEvent($SmartCardEvent) { "$($SmartCardEvent.EventType) $($SmartCardEvent.Reader) $($SmartCardEvent.Atr)".TrimEnd() }

    function Clear-TestCards {
        if (-not $Pcsc.DaemonRunning) { $Pcsc.StartDaemon() }
        foreach ($i in 0..($Pcsc.ReaderNames.Count - 1)) { $Pcsc.Remove($i) }
        foreach ($name in $Pcsc.ReaderNames) { $null = Wait-TestReader -Name $name -CardPresent $false }
    }
}

AfterAll {
    if ($script:Pcsc) { $script:Pcsc.Dispose() }
}

Describe 'Watch-SmartCard' -Skip:$NoFixture {
    BeforeAll {
        $script:R0, $script:R1 = $Pcsc.ReaderNames
    }

    AfterEach {
        Clear-TestCards
    }

    It 'reports insertions and removals with their ATRs, in order' {
        $watch = Start-TestWatch
        try {
            $null = $Pcsc.Insert(0, $AtrA)
            $null = $Pcsc.Insert(1, $AtrB)
            $null = Wait-TestWatch $watch -Count 2
            $Pcsc.Remove(0)
            $null = Wait-TestWatch $watch -Count 3
            $Pcsc.Remove(1)
            Wait-TestWatch $watch -Count 4 | Should -Be @(
                "CardInserted $R0 $AtrA", "CardInserted $R1 $AtrB", "CardRemoved $R0 $AtrA", "CardRemoved $R1 $AtrB")
            $watch.Output[0].PSObject.TypeNames[0] | Should -Be 'SmartCardPS.Events.SmartCardEvent'
            # Named by the same identification as ConvertFrom-Atr (smartcard_list.txt).
            $watch.Output[0].CardName | Should -BeLike 'MIFARE Classic 1K*'
            $watch.Output[0].CardName | Should -Be (ConvertFrom-Atr $AtrA).CardName
            $watch.Output[1].CardName | Should -Be (ConvertFrom-Atr $AtrB).CardName
            $watch.Output[0].State | Should -Be ([SmartCardPS.Pcsc.SmartCardReaderState]::Present)
            $watch.Output[3].State | Should -Be ([SmartCardPS.Pcsc.SmartCardReaderState]::Empty)
            $watch.Output[3].TimeStamp | Should -BeGreaterThan $watch.Output[0].TimeStamp
            Start-Sleep -Milliseconds 500
            $watch.Output.Count | Should -Be 4
        }
        finally { $null = Stop-TestWatch $watch }
    }

    It 'reports the same card events, in the same order, as pcsc_scan on the same pcscd' {
        $log = Join-Path $TestDrive 'pcsc_scan.log'
        # Line-buffered, so what it printed is in the file when it is stopped.
        $scan = Start-Process stdbuf -ArgumentList '-oL', 'pcsc_scan', '-n' -RedirectStandardOutput $log -PassThru
        $watch = Start-TestWatch
        try {
            # pcsc_scan first prints both readers' state; only what follows is compared.
            $sw = [Diagnostics.Stopwatch]::StartNew()
            while (@(Select-String -Path $log -Pattern 'Card state' -ErrorAction SilentlyContinue).Count -lt 2) {
                if ($sw.ElapsedSeconds -gt 10) { throw "pcsc_scan printed no reader state: $(Get-Content $log -Raw)" }
                Start-Sleep -Milliseconds 50
            }
            $steps = { $Pcsc.Insert(0, $AtrA) }, { $Pcsc.Insert(1, $AtrB) }, { $Pcsc.Remove(0) }, { $Pcsc.Insert(0, $AtrB) },
                { $Pcsc.Remove(1) }, { $Pcsc.Remove(0) }
            for ($i = 0; $i -lt $steps.Count; $i++) {
                $null = & $steps[$i]
                $ours = Wait-TestWatch $watch -Count ($i + 1)
            }
            # Give pcsc_scan the same chance to see the last change.
            $sw.Restart()
            while (@(Select-String -Path $log -Pattern 'Card state').Count -lt 2 + $steps.Count -and $sw.ElapsedSeconds -lt 10) { Start-Sleep -Milliseconds 50 }
        }
        finally {
            $null = Stop-TestWatch $watch
            Stop-Process -InputObject $scan -ErrorAction SilentlyContinue
            $scan.WaitForExit()
        }
        # Each change is a block: "Reader N: name", "  Event number: n", "  Card state: Card inserted, ...", "  ATR: 3B ..."
        $theirs = [Collections.Generic.List[string]]::new()
        $reader = $null
        foreach ($line in Get-Content $log) {
            if ($line -match '^ Reader \d+: (.*)$') { $reader = $Matches[1] }
            elseif ($line -match '^\s+Card state: Card (inserted|removed)') { $theirs.Add("Card$((Get-Culture).TextInfo.ToTitleCase($Matches[1])) $reader") }
            elseif ($line -match '^\s+ATR: ([0-9A-F ]+)$' -and $theirs.Count -and $theirs[-1] -like 'CardInserted*') { $theirs[-1] += " $($Matches[1].Trim())" }
        }
        # pcsc_scan names the ATR only for insertions; the watch also gives the removed card's.
        $expected = @($ours | ForEach-Object { if ($_ -like 'CardRemoved *') { $_ -replace ' 3[BF]( [0-9A-F]{2})+$', '' } else { $_ } })
        $expected.Count | Should -Be $steps.Count
        @($theirs | Select-Object -Skip 2) | Should -Be $expected -Because "pcsc_scan printed:`n$(Get-Content $log -Raw)"
    }

    It '-IncludeCurrentState first reports the readers and the card already in' {
        $null = $Pcsc.Insert(1, $AtrB)
        $events = @(Watch-SmartCard -IncludeCurrentState -Timeout 1)
        $events | ForEach-Object { Format-TestEvent $_ } | Should -Be @("ReaderAdded $R0", "ReaderAdded $R1", "CardInserted $R1 $AtrB")
        @(Watch-SmartCard -Timeout 0.5) | Should -BeNullOrEmpty
    }

    It '-Name and -EventType keep only the matching events' {
        $null = $Pcsc.Insert(1, $AtrB)
        @(Watch-SmartCard -IncludeCurrentState -Timeout 0.5 -EventType CardInserted) | ForEach-Object { Format-TestEvent $_ } |
            Should -Be "CardInserted $R1 $AtrB"
        @(Watch-SmartCard -IncludeCurrentState -Timeout 0.5 -Name '*00') | ForEach-Object { Format-TestEvent $_ } | Should -Be "ReaderAdded $R0"
        @(Watch-SmartCard -IncludeCurrentState -Timeout 0.5 -Name $R1 -EventType ReaderRemoved, CardInserted) | ForEach-Object { Format-TestEvent $_ } |
            Should -Be "CardInserted $R1 $AtrB"
        @(Watch-SmartCard -IncludeCurrentState -Timeout 0.5 -Name 'No such reader' -ErrorVariable err) | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
    }

    It 'watches the readers piped from Get-SmartCardReader, exact names with brackets included' {
        $null = $Pcsc.Insert(0, $AtrA)
        $null = $Pcsc.Insert(1, $AtrB)
        $R1 | Should -Match '\['
        @(Get-SmartCardReader -Name $R1 | Watch-SmartCard -IncludeCurrentState -Timeout 0.5) | ForEach-Object { Format-TestEvent $_ } |
            Should -Be @("ReaderAdded $R1", "CardInserted $R1 $AtrB")
        @(Watch-SmartCard -Name $R0 -IncludeCurrentState -Timeout 0.5) | ForEach-Object { Format-TestEvent $_ } |
            Should -Be @("ReaderAdded $R0", "CardInserted $R0 $AtrA")
    }

    It 'warns about a literal -Name that matches no reader, and -Verbose names only the readers it watches' {
        $records = @(Watch-SmartCard -Name 'No such reader' -Timeout 0.3 -Verbose -WarningVariable warn 4>&1 3>$null)
        @($warn).Count | Should -Be 1
        "$($warn[0])" | Should -Match "No reader named 'No such reader' is present"
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Not -BeNullOrEmpty
        $verbose -join "`n" | Should -Not -Match ([regex]::Escape($R0))
        $verbose -join "`n" | Should -Match 'no reader matching'
        $named = @(Watch-SmartCard -Name $R0 -Timeout 0.3 -Verbose -WarningVariable warn2 4>&1) | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$($named.Message)" | Should -Match ([regex]::Escape("'$R0'"))
        "$($named.Message)" | Should -Not -Match ([regex]::Escape($R1))
        $warn2 | Should -BeNullOrEmpty
    }

    It 'says in its own words that -Timeout must be positive' {
        $e = { Watch-SmartCard -Timeout 0 } | Should -Throw -ErrorId 'WatchSmartCardInvalidTimeout,SmartCardPS.Commands.WatchSmartCardCommand' -PassThru
        $e.Exception.Message | Should -Match '-Timeout must be longer than zero'
        $e.Exception.Message | Should -Not -Match 'Actual value was|Parameter '
    }

    It 'started without the service, says it is waiting for it and how to start it, and -Verbose tells each reconnect attempt' {
        $Pcsc.StopDaemon()
        $verbose = @(Watch-SmartCard -Timeout 1.4 -WarningVariable warn -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        "$($verbose.Message)" | Should -Match 'Reconnect attempt 1 to the PC/SC service failed \(SCARD_E_NO_SERVICE\)'
        "$($verbose.Message)" | Should -Match 'Reconnect attempt 2 '
        @($warn).Count | Should -Be 1
        "$($warn[0])" | Should -Match 'Waiting for the PC/SC service'
        "$($warn[0])" | Should -Match 'systemctl start pcscd\.socket'
        "$($warn[0])" | Should -Not -Match 'Lost'
    }

    It 'keeps the readers apart, the card name and the ATR in its table at <_> columns, and local times to the millisecond in both views' -ForEach 80, 120 {
        $width = $_
        $null = $Pcsc.Insert(1, $AtrB)
        $events = @(Watch-SmartCard -IncludeCurrentState -Timeout 0.5)
        $lines = ($events | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        foreach ($name in $R0, $R1) { $lines -match [regex]::Escape($name.Substring($name.Length - 20)) | Should -Not -BeNullOrEmpty }
        $lines -match [regex]::Escape($AtrB.Substring(0, 17)) | Should -Not -BeNullOrEmpty
        $stamp = $events[0].TimeStamp.LocalDateTime
        $lines -match [regex]::Escape($stamp.ToString('HH:mm:ss.fff')) | Should -Not -BeNullOrEmpty
        ($events[0] | Format-List | Out-String -Width $width) | Should -Match ([regex]::Escape($stamp.ToString('yyyy-MM-dd HH:mm:ss.fff')))
    }

    # Issue 23, item 5: ReaderRemoved whole, reader names whole (make and model first), an unambiguous time.
    It 'shows event types and reader names whole, the time as ISO 8601 and the date above it, at <_> columns' -ForEach 80, 120 {
        $width = $_
        $null = $Pcsc.Insert(0, $AtrA)
        $watch = Start-TestWatch @{ IncludeCurrentState = $true }
        try {
            Wait-TestWatch $watch -Count 3 | Out-Null
            $Pcsc.StopDaemon()
            $events = @(Wait-TestWatch $watch -Count 6 | Out-Null; Get-TestWatchEvent $watch)
        }
        finally { $null = Stop-TestWatch $watch; $Pcsc.StartDaemon() }
        $events.EventType | Should -Contain ([SmartCardPS.Events.SmartCardEventType]::ReaderRemoved)
        $lines = ($events | Out-String -Width $width) -split "`r?`n"
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $width }
        $date = $events[0].TimeStamp.LocalDateTime.ToString('yyyy-MM-dd')
        $lines -match "^\s+Date: $date\s*$" | Should -Not -BeNullOrEmpty
        $columns = Get-TableColumnText $lines
        $columns.EventType | Should -BeExactly (($events.EventType | ForEach-Object ToString) -join ' ')
        $columns.Reader | Should -BeExactly ($events.Reader -join ' ')
        $columns.Time | Should -BeExactly (($events.TimeStamp | ForEach-Object { $_.LocalDateTime.ToString('HH:mm:ss.fff') }) -join ' ')
    }

    It 'says on the host which readers it watches, without an object, unless -IncludeCurrentState reports them' {
        $records = @(Watch-SmartCard -Timeout 0.3 6>&1)
        $records | Should -HaveCount 1
        $records[0] | Should -BeOfType ([System.Management.Automation.InformationRecord])
        $records[0].Tags | Should -Contain 'PSHOST'
        "$($records[0].MessageData)" | Should -BeExactly "Watching '$R0', '$R1'."
        @(Watch-SmartCard -Name $R1 -Timeout 0.3 6>&1).MessageData.Message | Should -BeExactly "Watching '$R1'."
        @(Watch-SmartCard -Timeout 0.3 -IncludeCurrentState 6>&1) | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } | Should -BeNullOrEmpty
        # A console host shows it without being asked, as pcsc_scan lists the readers first.
        $pwsh = [Environment]::ProcessPath
        $prefix = @(); if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $prefix = @([Environment]::GetCommandLineArgs()[0]) }
        $shown = & $pwsh @prefix -NoProfile -NonInteractive -Command "Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; Watch-SmartCard -Timeout 0.3"
        "$shown".Trim() | Should -BeExactly "Watching '$R0', '$R1'."
    }

    It '-Timeout ends the watch quietly, and a number means seconds' {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $events = @(Watch-SmartCard -Timeout 0.5 -ErrorVariable err -WarningVariable warn)
        $sw.Elapsed.TotalMilliseconds | Should -BeGreaterOrEqual 450
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
        $events | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        $warn | Should -BeNullOrEmpty
        { Watch-SmartCard -Timeout 0 } | Should -Throw -ErrorId 'WatchSmartCardInvalidTimeout,SmartCardPS.Commands.WatchSmartCardCommand'
    }

    It 'reports every event that happened before -Timeout, however slow the pipeline after it is' {
        $timeout = 6
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $insertedAt = $null
        $events = @(Watch-SmartCard -IncludeCurrentState -Timeout $timeout | ForEach-Object {
                if ($null -eq $insertedAt) {
                    # pcscd has powered the card when Insert returns: the event has happened, within -Timeout.
                    $null = $Pcsc.Insert(0, $AtrA)
                    $insertedAt = $clock.Elapsed.TotalSeconds
                    # A slow consumer: it hands the first event on only once -Timeout is over.
                    while ($clock.Elapsed.TotalSeconds -le $timeout + 0.5) { Start-Sleep -Milliseconds 20 }
                }
                $_
            })
        # The watch started after $clock, so the card went in before its -Timeout ended, unless the machine was so
        # slow that the first event came after it: then this run shows nothing either way.
        if ($insertedAt -ge $timeout) { Set-ItResult -Inconclusive -Because "the first event came only after $insertedAt s"; return }
        $events | ForEach-Object { Format-TestEvent $_ } | Should -Be @("ReaderAdded $R0", "ReaderAdded $R1", "CardInserted $R0 $AtrA")
    }

    It '| Select-Object -First 1 returns right after the card' {
        $job = Start-ThreadJob { param($Pcsc, $Atr) Start-Sleep -Milliseconds 300; $null = $Pcsc.Insert(0, $Atr); [datetime]::UtcNow } -ArgumentList $Pcsc, $AtrA
        try {
            $first = Watch-SmartCard -EventType CardInserted | Select-Object -First 1
            $returned = [datetime]::UtcNow
            $inserted = $job | Wait-Job -Timeout 15 | Receive-Job
        }
        finally { $job | Remove-Job -Force }
        Format-TestEvent $first | Should -Be "CardInserted $R0 $AtrA"
        # The event precedes the fixture's own confirmation, so this is at most the confirmation's lag.
        ($returned - $inserted).TotalMilliseconds | Should -BeLessThan 1000
    }

    It 'stops within a second when the pipeline is stopped' {
        $watch = Start-TestWatch
        $stopped = Stop-TestWatch $watch
        $stopped.TotalMilliseconds | Should -BeLessThan 1000
    }

    It 'survives pcscd stopping and starting: one warning, readers gone and back, and the watch goes on' {
        $null = $Pcsc.Insert(0, $AtrA)
        $watch = Start-TestWatch
        try {
            $Pcsc.StopDaemon()
            Wait-TestWatch $watch -Count 3 | Should -Be @("CardRemoved $R0 $AtrA", "ReaderRemoved $R0", "ReaderRemoved $R1")
            Start-Sleep -Milliseconds 1200
            $Pcsc.StartDaemon()
            $back = @(Wait-TestWatch $watch -Count 6 | Select-Object -Skip 3)
            $back | Sort-Object | Should -Be @("CardInserted $R0 $AtrA", "ReaderAdded $R0", "ReaderAdded $R1")
            $back.IndexOf("ReaderAdded $R0") | Should -BeLessThan $back.IndexOf("CardInserted $R0 $AtrA")
            $Pcsc.Remove(0)
            Wait-TestWatch $watch -Count 7 | Select-Object -Last 1 | Should -Be "CardRemoved $R0 $AtrA"
            $watch.PowerShell.Streams.Warning.Count | Should -Be 1
            "$($watch.PowerShell.Streams.Warning[0])" | Should -Match 'Lost the PC/SC service \(SCARD_'
            $watch.PowerShell.Streams.Error.Count | Should -Be 0
        }
        finally { $null = Stop-TestWatch $watch }
    }
}
