# Issue 8's robustness suite (tag Robustness; part of the normal test run): hostile parameter values for every cmdlet,
# hostile p11-kit configs and module paths, pcscd killed under the cmdlets, a card pulled mid-operation, the PC/SC
# library missing, 8 runspaces at once, two watches, and long runs checked for leaked descriptors and memory.
# Every call runs with a hang guard; the AfterAll block prints the summary that the README's Reliability section quotes.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired) -or -not (Test-PcscFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/WatchRunspace.ps1')
    $script:Manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
    $script:Pcsc = Start-TestPcsc
    $script:Hsm = Start-TestSoftHsm -Label 'Robust A', 'Robust B'
    $script:AtrA = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A'
    $script:AtrB = '3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4'
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-robust-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $Scratch | Out-Null
    $script:Summary = [ordered]@{ Cases = 0; Failures = 0; Hangs = 0 }
    $script:Iss = [initialsessionstate]::CreateDefault2()
    $Iss.ImportPSModule($Manifest)
    $script:Runspace = [runspacefactory]::CreateRunspace($Iss)
    $Runspace.Open()

    # Exceptions that only a bug throws: a hostile value must end in one of our errors or a parameter-binding error.
    $script:BugTypes = 'NullReferenceException', 'InvalidCastException', 'IndexOutOfRangeException', 'KeyNotFoundException',
        'ArgumentNullException', 'ObjectDisposedException', 'OverflowException', 'AccessViolationException', 'OutOfMemoryException'

    # Runs one command in the module's runspace with a hang guard; returns what went wrong, or nothing.
    function Invoke-Case([string] $Command, [hashtable] $Parameters = @{}, [object[]] $InputObject, [int] $TimeoutSeconds = 60) {
        $Summary.Cases++
        $ps = [powershell]::Create()
        $ps.Runspace = $Runspace
        try {
            $null = $ps.AddCommand($Command).AddParameters($Parameters)
            $input = [Management.Automation.PSDataCollection[psobject]]::new()
            foreach ($item in $InputObject) { $input.Add($item) }
            $input.Complete()
            $run = $ps.BeginInvoke($input)
            if (-not $run.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($TimeoutSeconds))) {
                $Summary.Hangs++
                $ps.BeginStop($null, $null) | Out-Null
                return "$Command $(Format-Case $Parameters) hung for $TimeoutSeconds s"
            }
            $records = @()
            try { $null = $ps.EndInvoke($run) } catch { $records += $_.Exception.ErrorRecord ?? $_ }
            $records += @($ps.Streams.Error)
            foreach ($record in $records) {
                $problem = Test-ErrorRecord $record
                if ($problem) { return "$Command $(Format-Case $Parameters): $problem" }
            }
        }
        finally { $ps.Dispose() }
    }

    function Format-Case([hashtable] $Parameters) {
        ($Parameters.GetEnumerator() | ForEach-Object {
            $v = if ($null -eq $_.Value) { '$null' } elseif ($_.Value -is [string] -and $_.Value.Length -gt 40) { "<$($_.Value.Length) chars>" } else { "$($_.Value)" }
            "-$($_.Key) $($v -replace '[\x00-\x1F]', '?')"
        }) -join ' '
    }

    function Test-ErrorRecord($Record) {
        if (-not $Record) { return }
        $e = $Record.Exception
        while ($e) {
            if ($BugTypes -contains $e.GetType().Name) { return "unhandled $($e.GetType().FullName): $($e.Message)" }
            $e = $e.InnerException
        }
        if ($Record.FullyQualifiedErrorId -like 'System.*') { return "unhandled exception: $($Record.FullyQualifiedErrorId)" }
        # PowerShell's own binding errors quote the argument as given; ours must escape it.
        if ($Record.FullyQualifiedErrorId -match ',SmartCardPS\.Commands\.' -and "$Record" -match '[\x00-\x08\x0B-\x1F\x7F-\x9F]') {
            return "raw control characters in: $($Record.FullyQualifiedErrorId)"
        }
    }

    function Add-Failures([string[]] $Problems) {
        $Problems = @($Problems | Where-Object { $_ })
        $Summary.Failures += $Problems.Count
        $Problems
    }

    # What each open descriptor points at, so a leak names its kind (socket, pipe, file).
    function Get-OpenFd { @(Get-ChildItem /proc/self/fd -ErrorAction SilentlyContinue | ForEach-Object { "$($_.Name) -> $($_.LinkTarget)" }) }

    # Descriptors opened since $Before that stay open. Other threads of this host (runspaces of earlier tests
    # winding down, the runtime's own) open some for a moment, so a count above the baseline is read again for up
    # to two seconds; a leak per call stays and grows with the calls.
    function Get-LeakedFd([string[]] $Before) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        do {
            $now = Get-OpenFd
            if ($now.Count -le $Before.Count) { return @() }
            Start-Sleep -Milliseconds 100
        } while ($clock.Elapsed.TotalSeconds -lt 2)
        # Each entry holds its descriptor's number, so more descriptors than before means at least as many new entries.
        $now | Where-Object { $_ -notin $Before }
    }

    function Get-ManagedMemory {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        [GC]::GetTotalMemory($true)
    }
}

AfterAll {
    if ($script:Runspace) { $Runspace.Dispose() }
    if ($script:Hsm) { $Hsm.Dispose() }
    if ($script:Pcsc) { $Pcsc.Dispose() }
    Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
    Clear-TestRegistry
    if ($script:Summary) {
        Write-Host ''
        Write-Host '==> Robustness summary'
        foreach ($entry in $Summary.GetEnumerator()) { Write-Host ('    {0,-28} {1}' -f $entry.Key, $entry.Value) }
    }
}

Describe 'Robustness' -Tag 'Robustness' -Skip:$NoFixture {
    BeforeAll {
        Clear-TestRegistry
        $Hsm.Register('softhsm2') | Out-Null
        $Pcsc.Insert(0, $AtrA) | Out-Null
    }

    It 'gives every parameter of every cmdlet empty, null, 1 MB, control-character and wrong-type values without a crash, hang or unhandled exception' {
        $hostile = [ordered]@{
            Empty     = ''
            Null      = $null
            Huge      = 'A' * 1MB
            Control   = "`e[2J`0`a`r`n`e]0;x`a"
            WrongType = @{ Wrong = 1 }
            Array     = @('', $null, "`e")
        }
        $common = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters
        # Without a card OpenSC (which Register-OpenScModule loads to check it) has no unknown card to probe for seconds.
        $Pcsc.Remove(0)
        # In a directory of its own: a wrong-type -ReportPath becomes the file name 'System.Collections.Hashtable', as
        # PowerShell converts a hashtable given for a string, and must not land in the checkout.
        $scratch = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "smartcardps-hostile-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
        # The cases run in $Runspace, whose location is its own.
        $before = $Runspace.SessionStateProxy.Path.CurrentLocation.Path
        $null = $Runspace.SessionStateProxy.Path.SetLocation($scratch.FullName)
        $problems = foreach ($command in (Get-Command -Module SmartCardPS -CommandType Cmdlet)) {
            foreach ($parameter in $command.Parameters.Values | Where-Object { $common -notcontains $_.Name -and $_.ParameterType -ne [switch] }) {
                foreach ($value in $hostile.GetEnumerator()) {
                    $arguments = @{ $parameter.Name = $value.Value }
                    if ($command.Parameters.ContainsKey('WhatIf')) { $arguments.WhatIf = $true }
                    if ($command.Name -eq 'Watch-SmartCard' -and $parameter.Name -ne 'Timeout') { $arguments.Timeout = [timespan]::FromMilliseconds(200) }
                    $clock = [Diagnostics.Stopwatch]::StartNew()
                    Invoke-Case $command.Name $arguments
                    $script:CaseTimes += , @($clock.ElapsedMilliseconds, "$($command.Name) -$($parameter.Name) $($value.Key)")
                }
            }
        }
        $null = $Runspace.SessionStateProxy.Path.SetLocation($before)
        $landed = @(Get-ChildItem -Name $scratch)
        Remove-Item $scratch -Recurse -Force
        $landed | Should -Contain 'System.Collections.Hashtable' -Because 'the wrong-type -ReportPath must land in the scratch directory'
        $Pcsc.Insert(0, $AtrA) | Out-Null
        $Summary.HostileParameterCases = $Summary.Cases
        $Summary.SlowestHostileCases = ($script:CaseTimes | Sort-Object { $_[0] } -Descending | Select-Object -First 6 | ForEach-Object { "$($_[1]) $($_[0]) ms" }) -join '; '
        Add-Failures $problems | Should -BeNullOrEmpty
    }

    It 'lists the good module among hostile p11-kit configs and module paths, with one clean error or warning for each bad one' {
        $dir = $SystemModuleDir
        New-Item -ItemType Directory -Force $dir | Out-Null
        $softhsm = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
        [IO.File]::WriteAllBytes((Join-Path $dir 'garbage.module'), [byte[]](0..255 + 0x1B, 0x5B, 0x32, 0x4A))
        Set-Content (Join-Path $dir 'empty.module') '' -NoNewline
        [IO.File]::WriteAllText((Join-Path $dir 'huge.module'), ("x-filler: " + ('y' * 100) + "`n") * 20000)
        Set-Content (Join-Path $dir 'crlf.module') "module: $softhsm`r`npriority: 5`r`n" -NoNewline
        Set-Content (Join-Path $dir 'dup.module') "module: /nonexistent/first.so`nmodule: $softhsm`n" -NoNewline
        Set-Content (Join-Path $dir 'unknown.module') "module: $softhsm`nfrobnicate: yes`nx-vendor: 1`n" -NoNewline
        & ln -s (Join-Path $dir 'loop-b.module') (Join-Path $dir 'loop-a.module')
        & ln -s (Join-Path $dir 'loop-a.module') (Join-Path $dir 'loop-b.module')
        New-Item -ItemType Directory (Join-Path $dir 'folder.module') | Out-Null
        $fifo = Join-Path $Scratch 'fifo.so'
        & mkfifo $fifo
        $text = Join-Path $Scratch 'text.so'
        Set-Content $text 'not a library'
        $paths = [ordered]@{ 'path-dir' = $Scratch; 'path-fifo' = $fifo; 'path-text' = $text; 'path-libz' = (Get-TestLibz); 'path-missing' = '/nonexistent/x.so' }
        foreach ($p in $paths.GetEnumerator()) { Set-TestModuleConfig $dir $p.Key "module: $($p.Value)`n" | Out-Null }

        $problems = @(
            Invoke-Case 'Get-Pkcs11Module'
            Invoke-Case 'Get-Pkcs11Token'
            Invoke-Case 'Get-Pkcs11Mechanism' @{ Uri = 'pkcs11:token=Robust%20A' }
        )
        Add-Failures $problems | Should -BeNullOrEmpty
        $modules = @(Get-Pkcs11Module -ErrorVariable failures -WarningVariable warnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        # garbage and the symlink loop cannot be read; the empty file registers nothing.
        @($warnings).Count | Should -Be 4
        ($failures | ForEach-Object { $_.TargetObject.Name } | Sort-Object) | Should -Be (@($paths.Keys) | Sort-Object)
        # The empty config registers no library: listed, and disabled, as p11-kit treats it.
        ($modules.Name | Sort-Object) | Should -Be 'crlf', 'dup', 'empty', 'softhsm2', 'unknown'
        ($modules | Where-Object Name -EQ 'empty').Enabled | Should -BeFalse
        @(Get-Pkcs11Token -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Where-Object Label -Like 'Robust*').Count | Should -Be 8
        Get-ChildItem $dir | Remove-Item -Recurse -Force
    }

    It 'keeps Get-SmartCardReader, Watch-SmartCard and OpenSC answering while pcscd is killed and restarted' {
        $stop = [Collections.Concurrent.ConcurrentDictionary[string, int]]::new()
        $pool = [runspacefactory]::CreateRunspacePool(1, 3, $Iss, $Host)
        $pool.Open()
        $loop = {
            param($Command, $Parameters, $Stop)
            $bad = [Collections.Generic.List[string]]::new(); $n = 0
            while (-not $Stop.ContainsKey('stop')) {
                $n++
                try { & $Command @Parameters -ErrorAction SilentlyContinue -ErrorVariable errs | Out-Null } catch { $errs = @($_) }
                foreach ($e in $errs) {
                    if ($e.FullyQualifiedErrorId -notmatch '^\w+,SmartCardPS\.Commands\.\w+Command$') { $bad.Add("$Command $($e.FullyQualifiedErrorId): $e") }
                }
            }
            [pscustomobject]@{ Calls = $n; Bad = $bad }
        }
        $jobs = foreach ($case in @(@('Get-SmartCardReader', @{}), @('Get-Pkcs11Token', @{ Module = $OpenScLibrary; IncludeEmptySlots = $true }))) {
            $ps = [powershell]::Create(); $ps.RunspacePool = $pool
            $null = $ps.AddScript($loop).AddArgument($case[0]).AddArgument($case[1]).AddArgument($stop)
            [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
        }
        $watch = Start-WatchRunspace -Manifest $Manifest
        try {
            for ($i = 0; $i -lt 3; $i++) {
                Start-Sleep -Milliseconds 400
                $Pcsc.StopDaemon()
                Start-Sleep -Milliseconds 400
                $Pcsc.StartDaemon()
            }
            Start-Sleep -Milliseconds 400
        }
        finally { $stop['stop'] = 1 }
        $results = foreach ($job in $jobs) {
            $job.Handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(60)) | Should -BeTrue -Because 'a call must not hang when pcscd dies'
            $job.PowerShell.EndInvoke($job.Handle)
            $job.PowerShell.Dispose()
        }
        $pool.Dispose()
        $Summary.Cases += ($results | Measure-Object Calls -Sum).Sum
        Add-Failures @($results.Bad) | Should -BeNullOrEmpty
        $results | ForEach-Object { $_.Calls | Should -BeGreaterThan 0 }
        # The watch survived the three outages and is still running.
        $watch.Handle.IsCompleted | Should -BeFalse
        @($watch.PowerShell.Streams.Warning).Count | Should -BeGreaterOrEqual 1
        $watch.PowerShell.Stop(); $watch.PowerShell.Dispose()
        (Wait-TestReader $Pcsc.ReaderNames[0] $true).Atr -replace '[ :]' | Should -Be ($AtrA -replace ' ')
    }

    It 'reports a card pulled out in the middle of reading readers and ATRs, never crossing one card with another' {
        $ps = [powershell]::Create(); $ps.Runspace = $Runspace
        $null = $ps.AddScript({
            param($Name, $Atrs)
            $bad = @(); $n = 0
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while ($clock.Elapsed.TotalSeconds -lt 4) {
                $n++
                $r = Get-SmartCardReader -Name $Name -ErrorAction SilentlyContinue -ErrorVariable errs
                if ($r.CardPresent -and $Atrs -notcontains ($r.Atr -replace '[ :]')) { $bad += "unexpected ATR $($r.Atr)" }
                if ($r.Atr) { $null = $r | ConvertFrom-Atr }
                $bad += @($errs | Where-Object FullyQualifiedErrorId -NotMatch '^\w+,SmartCardPS\.Commands\.\w+Command$' | ForEach-Object { "$_" })
            }
            [pscustomobject]@{ Calls = $n; Bad = $bad }
        }).AddArgument($Pcsc.ReaderNames[1]).AddArgument(@(($AtrA -replace ' '), ($AtrB -replace ' ')))
        $run = $ps.BeginInvoke()
        $swaps = 0
        while (-not $run.IsCompleted) {
            $Pcsc.Insert(1, @($AtrA, $AtrB)[$swaps % 2], $false) | Out-Null
            Start-Sleep -Milliseconds (20 + ($swaps % 5) * 15)
            $Pcsc.Remove(1)
            $swaps++
        }
        $result = $ps.EndInvoke($run)
        $ps.Dispose()
        $Summary.Cases += $result.Calls
        $Summary.CardSwaps = $swaps
        Add-Failures @($result.Bad) | Should -BeNullOrEmpty
    }

    It 'imports without the PC/SC library and says so when a cmdlet needs it' {
        $lib = (Get-Item /usr/lib/*/libpcsclite.so.1 -ErrorAction SilentlyContinue | Select-Object -First 1)
        if (-not $lib) { Set-ItResult -Skipped -Because 'libpcsclite is not installed'; return }
        $empty = Join-Path $Scratch 'empty-lib'
        New-Item -ItemType File $empty | Out-Null
        $target = $lib.ResolvedTarget ?? $lib.FullName
        if (-not [IO.Path]::IsPathRooted($target)) { $target = Join-Path $lib.DirectoryName $target }
        # A private mount namespace hides the library behind an empty file for this one pwsh.
        $script = "Import-Module '$Manifest'; 'imported'; ConvertFrom-Atr '$AtrA' | ForEach-Object { 'atr ok' }; try { Get-SmartCardReader -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $output = & unshare --mount --propagation private sh -c "mount --bind '$empty' '$target' && exec '$(Join-Path $PSHOME 'pwsh')' -NoProfile -NonInteractive -Command `"`$0`"" $script 2>&1
        $Summary.Cases++
        $output[0] | Should -Be 'imported'
        $output[1] | Should -Be 'atr ok'
        $output[2] | Should -BeLike 'GetSmartCardReader*,SmartCardPS.Commands.GetSmartCardReaderCommand'
        $output[3] | Should -BeLike '*PC/SC*'
    }

    It 'runs the cmdlets from 8 runspaces at once without a failure or crossed results' {
        $pool = [runspacefactory]::CreateRunspacePool(1, 8, $Iss, $Host)
        $pool.Open()
        $worker = {
            param($Worker, $Rounds, $Reader, $Atrs)
            $bad = [Collections.Generic.List[string]]::new(); $calls = 0
            for ($i = 0; $i -lt $Rounds; $i++) {
                $atr = $Atrs[($Worker + $i) % $Atrs.Count]
                $calls++; $decoded = ConvertFrom-Atr $atr
                if (($decoded.Atr -replace '[ :]') -ne ($atr -replace ' ')) { $bad.Add("worker ${Worker}: asked $atr, got $($decoded.Atr)") }
                $calls++; $r = Get-SmartCardReader -Name $Reader
                if ($r.Name -ne $Reader -or ($r.Atr -replace '[ :]') -ne ($Atrs[0] -replace ' ')) { $bad.Add("worker ${Worker}: reader $($r.Name) $($r.Atr)") }
                $label = @('Robust A', 'Robust B')[($Worker + $i) % 2]
                $calls++; $t = @(Get-Pkcs11Token -Module softhsm2 -Label $label)
                if ($t.Count -ne 1 -or $t[0].Label -ne $label) { $bad.Add("worker ${Worker}: asked $label, got $($t.Label -join ',')") }
                $calls++; $m = @($t | Get-Pkcs11Mechanism)
                if ($m.Count -lt 10 -or @($m.Token | Sort-Object -Unique) -ne $label) { $bad.Add("worker ${Worker}: mechanisms of $label crossed: $($m.Token | Sort-Object -Unique)") }
                $calls++; $null = Get-Pkcs11Module -Name softhsm2
            }
            [pscustomobject]@{ Calls = $calls; Bad = $bad; Errors = @($Error | ForEach-Object { "$_" }) }
        }
        $jobs = foreach ($w in 0..7) {
            $ps = [powershell]::Create(); $ps.RunspacePool = $pool
            $null = $ps.AddScript($worker).AddArgument($w).AddArgument(40).AddArgument($Pcsc.ReaderNames[0]).AddArgument(@($AtrA, $AtrB))
            [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
        }
        $results = foreach ($job in $jobs) {
            $job.Handle.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(180)) | Should -BeTrue
            $job.PowerShell.EndInvoke($job.Handle)
            $job.PowerShell.Dispose()
        }
        $pool.Dispose()
        $calls = ($results | Measure-Object Calls -Sum).Sum
        $Summary.Cases += $calls
        $Summary.ConcurrentCalls = "$calls from 8 runspaces"
        Add-Failures (@($results.Bad) + @($results.Errors)) | Should -BeNullOrEmpty
        $calls | Should -Be (8 * 40 * 5)
    }

    It 'lets two watches in two runspaces each see every event' {
        $Pcsc.Remove(1)
        Wait-TestReader $Pcsc.ReaderNames[1] $false | Out-Null
        # Each watch on its own, never in a nested array: enumerating a watch's open output collection would block.
        $watches = [Collections.Generic.List[object]]::new()
        $watches.Add((Start-WatchRunspace -Manifest $Manifest -Parameters @{ Name = $Pcsc.ReaderNames[1] }))
        $watches.Add((Start-WatchRunspace -Manifest $Manifest -Parameters @{ Name = $Pcsc.ReaderNames[1] }))
        $expected = @()
        try {
            foreach ($atr in $AtrA, $AtrB, $AtrA) {
                $Pcsc.Insert(1, $atr) | Out-Null
                Wait-TestReader $Pcsc.ReaderNames[1] $true | Out-Null
                $Pcsc.Remove(1)
                Wait-TestReader $Pcsc.ReaderNames[1] $false | Out-Null
                $expected += "CardInserted $atr", "CardRemoved $atr"
            }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while (($watches[0].Output.Count -lt $expected.Count -or $watches[1].Output.Count -lt $expected.Count) -and $clock.Elapsed.TotalSeconds -lt 20) { Start-Sleep -Milliseconds 20 }
            foreach ($watch in $watches) {
                $seen = for ($i = 0; $i -lt $watch.Output.Count; $i++) { "$($watch.Output[$i].EventType) $($watch.Output[$i].Atr -replace ':', ' ')".TrimEnd() }
                $seen | Should -Be $expected
            }
        }
        finally {
            foreach ($watch in $watches) { $watch.PowerShell.BeginStop($null, $null) | Out-Null }
        }
        $Summary.Cases += 2 * $expected.Count
    }

    It 'leaks no descriptor and grows by less than 5 MB over 10,000 Get-SmartCardReader and 1,000 Get-Pkcs11Token calls' {
        # The reader calls run 2,500 each in four runspaces of this process at once: each call waits on pcscd
        # (a context per call, and pcscd starts a thread per context), so in a row they mostly wait; at once they
        # also check that concurrent callers leak nothing.
        $runspaces = @(1..4 | ForEach-Object { $r = [runspacefactory]::CreateRunspace($Iss); $r.Open(); $r })
        $loop = { param($Count) for ($i = 0; $i -lt $Count; $i++) { $null = Get-SmartCardReader } }
        function Invoke-ReaderLoop([int] $Count) {
            $runs = foreach ($r in $runspaces) {
                $ps = [powershell]::Create(); $ps.Runspace = $r
                $null = $ps.AddScript($loop).AddArgument($Count)
                [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            foreach ($run in $runs) {
                try {
                    $run.PowerShell.EndInvoke($run.Handle) | Out-Null
                    if ($run.PowerShell.HadErrors) { throw "Get-SmartCardReader failed in a runspace: $($run.PowerShell.Streams.Error | Select-Object -First 1)" }
                }
                finally { $run.PowerShell.Dispose() }
            }
        }
        try {
            # Warm up: the first calls load assemblies, native libraries and caches that stay for the process.
            Invoke-ReaderLoop 50
            1..20 | ForEach-Object { $null = Get-Pkcs11Token -Module softhsm2 }
            $fds = Get-OpenFd
            $memory = Get-ManagedMemory
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Invoke-ReaderLoop 2500
            $readerSeconds = $clock.Elapsed.TotalSeconds
            $clock.Restart()
            for ($i = 0; $i -lt 1000; $i++) { $null = Get-Pkcs11Token -Module softhsm2 }
            $tokenSeconds = $clock.Elapsed.TotalSeconds
            $leaked = @(Get-LeakedFd $fds)
            $leakedFds = $leaked.Count
            $growth = ((Get-ManagedMemory) - $memory) / 1MB
        }
        finally {
            $runspaces | ForEach-Object Dispose
        }
        $Summary.Cases += 11000
        $Summary.LongRun = '10,000 Get-SmartCardReader (4 runspaces at once) in {0:N1} s, 1,000 Get-Pkcs11Token in {1:N1} s' -f $readerSeconds, $tokenSeconds
        $Summary.LeakedFileDescriptors = $leakedFds
        $Summary.ManagedMemoryGrowthMB = [math]::Round($growth, 2)
        $Summary.OpenPkcs11Libraries = [SmartCardPS.Pkcs11.Pkcs11Library].Assembly.GetType('SmartCardPS.Pkcs11.Pkcs11LibraryHandle').GetProperty('OpenCount', [Reflection.BindingFlags]'Static,NonPublic,Public').GetValue($null)
        $leakedFds | Should -BeLessOrEqual 0 -Because "these stayed open: $($leaked -join ', ')"
        $growth | Should -BeLessThan 5
        $Summary.OpenPkcs11Libraries | Should -Be 0
    }
}
