# build.ps1 -Task Mutants: plants each mutant of tests/mutants/mutants.tsv in turn (one known defect), builds, runs
# only the tests its line names, and puts the source back. A mutant those tests do not catch (it survived) or that
# does not build fails the task, so the list keeps proving that each defect it names would be caught.
# Dot-sourced by build.ps1 after BuildHelpers.ps1; uses its $Root, $OutDir, $ModuleDir and $Configuration.

# The mutants of the list as objects, checked before anything is planted: seven fields, an existing file in which
# the search text occurs exactly once, and at least one test selection.
function Read-MutantList([string] $Path) {
    $names = @{}
    $lineNumber = 0
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        $lineNumber++
        if (-not $line.Trim() -or $line.StartsWith('#')) { continue }
        $fields = $line.Split("`t")
        $where = "${Path}:$lineNumber"
        if ($fields.Count -ne 7) { throw "$where has $($fields.Count) tab-separated fields; a mutant has 7 (name, file, search, replacement, xunit-filter, pester-files, pester-name-filter)." }
        $name, $file, $search, $replacement, $xunit, $pester, $pesterFilter = $fields
        if ($names.ContainsKey($name)) { throw "$where repeats the mutant name '$name'." }
        $names[$name] = $true
        $full = Join-Path $Root $file
        if (-not (Test-Path -LiteralPath $full -PathType Leaf)) { throw "$where ($name): $file does not exist." }
        $count = [regex]::Matches([IO.File]::ReadAllText($full), [regex]::Escape($search)).Count
        if ($count -ne 1) { throw "$where ($name): the search text occurs $count times in $file; it must occur exactly once." }
        $pesterFiles = @(if ($pester -ne '-') {
                foreach ($p in $pester.Split(',')) {
                    $pesterFile = Join-Path $Root "tests/pester/$($p.Trim())"
                    if (-not (Test-Path -LiteralPath $pesterFile -PathType Leaf)) { throw "$where ($name): tests/pester/$($p.Trim()) does not exist." }
                    $pesterFile
                }
            })
        if ($xunit -eq '-' -and -not $pesterFiles) { throw "$where ($name) names no tests to run." }
        [pscustomobject]@{
            Name = $name; File = $full; Search = $search; Replacement = $replacement
            Xunit = if ($xunit -ne '-') { $xunit }; PesterFiles = $pesterFiles; PesterFilter = if ($pesterFilter -ne '-') { $pesterFilter }
        }
    }
}

# The planted file's original bytes are kept on disk too: a run killed outright (no finally) is undone by the next.
function Get-MutantRestorePath { [IO.Path]::Combine($OutDir, 'mutants', 'restore') }

function Restore-MutatedSource {
    $restore = Get-MutantRestorePath
    $target = [IO.Path]::Combine($restore, 'target.txt')
    if (-not [IO.File]::Exists($target)) { return }
    $file = [IO.File]::ReadAllText($target)
    [IO.File]::WriteAllBytes($file, [IO.File]::ReadAllBytes([IO.Path]::Combine($restore, 'original.bin')))
    [IO.File]::Delete($target)
}

function Set-Mutant($Mutant) {
    $restore = Get-MutantRestorePath
    [IO.Directory]::CreateDirectory($restore) | Out-Null
    $bytes = [IO.File]::ReadAllBytes($Mutant.File)
    [IO.File]::WriteAllBytes((Join-Path $restore 'original.bin'), $bytes)
    [IO.File]::WriteAllText((Join-Path $restore 'target.txt'), $Mutant.File)
    $text = [Text.UTF8Encoding]::new($false).GetString($bytes)
    $at = $text.IndexOf($Mutant.Search, [StringComparison]::Ordinal)
    $mutated = $text.Substring(0, $at) + $Mutant.Replacement + $text.Substring($at + $Mutant.Search.Length)
    [IO.File]::WriteAllBytes($Mutant.File, [Text.UTF8Encoding]::new($false).GetBytes($mutated))
}

# Builds what the selected mutants' tests need: the xunit project when one of them names xunit tests, else only the
# test fixture the Pester files load (and Pester), which saves most of a minute on a run of Pester-only mutants.
function Invoke-MutantTestBuild($Mutants) {
    if (@($Mutants | Where-Object Xunit).Count) { Invoke-TestBuild; return }
    Write-Step 'Building the test fixture'
    Invoke-Native dotnet build (Join-Path $Root 'tests/SmartCardPS.TestFixture/SmartCardPS.TestFixture.csproj') -c $Configuration --nologo -v quiet
    Invoke-Native dotnet restore (Join-Path $Root 'tests/tools/Pester.Download.csproj') --nologo -v quiet
}

# Builds what the mutant's tests load: the xunit project (core and fixture), and the two module assemblies, copied
# into the built module folder the Pester files import. False when the build fails; its output goes to $Log.
function Build-MutantTests($Mutant, [string] $Log) {
    if ($Mutant.Xunit) {
        if (Invoke-NativeToEnd $Log dotnet build (Join-Path $Root 'tests/SmartCardPS.Core.Tests/SmartCardPS.Core.Tests.csproj') -c $Configuration --nologo -v quiet) { return $false }
    }
    if ($Mutant.PesterFiles) {
        if (Invoke-NativeToEnd $Log dotnet build (Join-Path $Root 'src/SmartCardPS/SmartCardPS.csproj') -c $Configuration --nologo -v quiet) { return $false }
        $bin = Join-Path $Root "src/SmartCardPS/bin/$Configuration/netstandard2.0"
        foreach ($dll in 'SmartCardPS.dll', 'SmartCardPS.Core.dll') { Copy-Item (Join-Path $bin $dll) $ModuleDir -Force }
    }
    $true
}

# Runs the tests a mutant names, in the private namespace as the suite does: how many ran, failed and skipped.
function Invoke-MutantTests($Mutant, [string] $Directory) {
    $nsRun = Join-Path $Root 'tests/tools/ns-run.sh'
    $ran = $failed = $skipped = 0
    $failures = [Collections.Generic.List[string]]::new()
    if ($Mutant.Xunit) {
        $trx = Join-Path $Directory 'xunit.trx'
        $exit = Invoke-NativeToEnd (Join-Path $Directory 'xunit.log') $nsRun dotnet test (Join-Path $Root 'tests/SmartCardPS.Core.Tests/SmartCardPS.Core.Tests.csproj') `
            -c $Configuration --no-build --nologo --filter $Mutant.Xunit --logger 'trx;LogFileName=xunit.trx' --results-directory $Directory
        $results = @(if (Test-Path -LiteralPath $trx) { Read-TrxResult $trx })
        $ran += $results.Count
        $skipped += @($results | Where-Object Outcome -EQ 'NotExecuted').Count
        foreach ($r in @($results | Where-Object Outcome -NotIn 'Passed', 'NotExecuted')) { $failed++; $failures.Add("$($r.Name): $(Get-FirstLine $r.Message 160)") }
        if ($exit -and -not $failures.Count) { $failed++; $failures.Add("dotnet test exited with code $exit (see $Directory/xunit.log)") }
    }
    $i = 0
    foreach ($file in $Mutant.PesterFiles) {
        $json = Join-Path $Directory "pester-$((++$i)).json"
        $filter = @(if ($Mutant.PesterFilter) { '-FullNameFilter', $Mutant.PesterFilter })
        $null = Invoke-NativeToEnd (Join-Path $Directory "pester-$i.log") $nsRun dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterSuite.ps1') `
            -ModuleDir $ModuleDir -ResultPath $json -Path $file @filter
        if (-not (Test-Path -LiteralPath $json)) { $failed++; $failures.Add("$(Split-Path $file -Leaf) did not finish (see $Directory/pester-$i.log)"); continue }
        $r = Get-Content -LiteralPath $json -Raw | ConvertFrom-Json
        $ran += [int]$r.Passed + [int]$r.Failed
        $skipped += [int]$r.Skipped
        $failed += [int]$r.Failed + [int]$r.FailedContainers
        foreach ($t in @($r.FailedTests | Where-Object { $_ })) { $failures.Add("$($t.Name): $(Get-FirstLine $t.Message 160)") }
        foreach ($c in @($r.FailedContainerNames | Where-Object { $_ })) { $failures.Add("$c failed to run") }
    }
    [pscustomobject]@{ Ran = $ran; Failed = $failed; Skipped = $skipped; Failures = $failures.ToArray() }
}

# Ctrl+C at any point puts the planted source back, says so and exits 130 without a verdict: pwsh -File stopped by
# Ctrl+C would exit 0, as if every mutant had been caught. The commands it runs tear themselves down first.
function Invoke-Mutants([string[]] $Only) {
    Register-BuildInterrupt
    $finished = $false
    $failure = $null
    try {
        Invoke-MutantRun $Only
        $finished = $true
    }
    catch { $failure = $_; throw }
    finally {
        Restore-MutatedSource
        # Stopped by PowerShell, no finish and no error: Ctrl+C too, whichever signal handler ran first.
        if ([SmartCardPSBuild.Interrupt]::Pressed -or ($failure -and $failure.Exception -is [OperationCanceledException]) -or -not ($finished -or $failure)) {
            # Only the console and Environment.Exit: writing to the host throws once the script is stopping.
            [Console]::Out.WriteLine('Interrupted: the planted source is restored; no verdict on any mutant.')
            [Environment]::Exit(130)
        }
    }
}

function Invoke-MutantRun([string[]] $Only) {
    $mutants = @(Read-MutantList (Join-Path $Root 'tests/mutants/mutants.tsv'))
    # From a shell, -Mutant a,b arrives as one string.
    $Only = @($Only | Where-Object { $_ } | ForEach-Object { $_.Split(',') } | Where-Object { $_ })
    if ($Only) { $mutants = @($mutants | Where-Object { $n = $_.Name; @($Only | Where-Object { $n -like $_ }).Count }) }
    if (-not $mutants) { throw "No mutant in tests/mutants/mutants.tsv matches $($Only -join ', ')." }
    $work = Join-Path $OutDir 'mutants'
    # A run killed outright left its mutant in place: undo it before anything is built.
    Restore-MutatedSource
    Install-TestPrerequisites
    Invoke-Build
    Invoke-MutantTestBuild $mutants
    if (Test-Path $work) { Get-ChildItem $work -Exclude restore | Remove-Item -Recurse -Force }

    # Without a mutant every selection must pass and skip nothing, or a failure would count as a catch.
    Write-Step "Baseline: the tests of $($mutants.Count) mutants, unmutated"
    $baselines = @{}
    foreach ($m in $mutants) {
        $key = "$($m.Xunit)|$($m.PesterFiles -join ',')|$($m.PesterFilter)"
        if ($baselines.ContainsKey($key)) { continue }
        $dir = Join-Path $work "baseline-$($baselines.Count + 1)"
        New-Item -ItemType Directory $dir -Force | Out-Null
        $result = Invoke-MutantTests $m $dir
        $baselines[$key] = $result
        if ($result.Ran -eq 0 -or $result.Failed -or $result.Skipped) {
            throw "The tests named for mutant '$($m.Name)' do not pass cleanly without it ($($result.Ran) ran, $($result.Failed) failed, $($result.Skipped) skipped; see $dir): $($result.Failures -join '; ')"
        }
        Write-Host "  $($m.Name) and those sharing its tests: $($result.Ran) tests pass"
    }

    $report = [Collections.Generic.List[object]]::new()
    $finished = $false
    try {
        foreach ($m in $mutants) {
            $dir = Join-Path $work $m.Name
            New-Item -ItemType Directory $dir -Force | Out-Null
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Set-Mutant $m
            try {
                if (-not (Build-MutantTests $m (Join-Path $dir 'build.log'))) {
                    $outcome = 'Stillborn'; $detail = "it does not build (see $dir/build.log)"
                }
                else {
                    $result = Invoke-MutantTests $m $dir
                    if ($result.Failed) { $outcome = 'Killed'; $detail = $result.Failures | Select-Object -First 1 }
                    else { $outcome = 'Survived'; $detail = "$($result.Ran) tests passed with it" }
                }
            }
            finally {
                # Also on Ctrl+C: .NET calls only, as writing to the host throws once the script is stopping.
                Restore-MutatedSource
            }
            $report.Add([pscustomobject]@{ Mutant = $m.Name; Outcome = $outcome; Seconds = [int]$clock.Elapsed.TotalSeconds; Detail = $detail })
            Write-Host ("  {0,-9} {1} ({2} s): {3}" -f $outcome, $m.Name, [int]$clock.Elapsed.TotalSeconds, $detail)
        }
        $finished = $true
    }
    finally {
        Restore-MutatedSource
        # The last build holds a mutant: never leave it where the Pester files would import it.
        if (-not $finished -and (Test-Path $ModuleDir)) { [IO.Directory]::Delete($ModuleDir, $true) }
    }
    Write-Step 'Rebuilding without mutants'
    Invoke-Build
    Invoke-MutantTestBuild $mutants
    $killed = @($report | Where-Object Outcome -EQ 'Killed').Count
    $bad = @($report | Where-Object Outcome -NE 'Killed')
    Write-Host "$killed of $($report.Count) mutants killed, $(@($bad | Where-Object Outcome -EQ 'Survived').Count) survived, $(@($bad | Where-Object Outcome -EQ 'Stillborn').Count) did not build."
    if ($bad) { throw "Mutants not caught: $(($bad | ForEach-Object { "$($_.Mutant) ($($_.Outcome): $($_.Detail))" }) -join '; ')" }
}
