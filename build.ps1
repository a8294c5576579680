#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests and demonstrates SmartCardPS.
.DESCRIPTION
    Build (default) makes out/SmartCardPS, a complete module folder. Package builds it and packs it into
    out/package/SmartCardPS.<version>.nupkg, which Install-PSResource installs from a folder repository. Test runs xunit and Pester against a
    private pcscd with virtual readers and ends with one 'N passed, N failed, N skipped' line; Nightly is Test with
    the long runs at full length (the reader-monitor soak's 100 cycles per reader instead of 25). Demo shows
    the cmdlets on virtual cards. Mutants plants each known defect listed in tests/mutants/mutants.tsv in turn, runs
    the tests its line names, restores the source, and fails when a defect is not caught (-Mutant runs only the
    mutants of those names). Clean removes build output. Every step stops the script when it fails.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Test', 'Nightly', 'Demo', 'Mutants', 'Clean')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Release',
    # With -Task Mutants: only the mutants whose names match these wildcards.
    [string[]] $Mutant
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleDir = Join-Path $OutDir 'SmartCardPS'
. (Join-Path $Root 'build/BuildHelpers.ps1')
. (Join-Path $Root 'build/Mutants.ps1')

function Invoke-Build {
    Write-Step 'Building the module'
    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    Invoke-Native dotnet publish (Join-Path $Root 'src/SmartCardPS/SmartCardPS.csproj') -c $Configuration -o $ModuleDir --nologo -v quiet
    $version = Get-ModuleVersion -PropsPath (Join-Path $Root 'Directory.Build.props')
    $manifest = Get-Content (Join-Path $Root 'SmartCardPS.psd1') -Raw
    $manifest = $manifest -replace "ModuleVersion(\s*)= '[^']*'", "ModuleVersion`$1= '$version'"
    Set-Content -Path (Join-Path $ModuleDir 'SmartCardPS.psd1') -Value $manifest -NoNewline
    Join-FormatFile -Path (Get-ChildItem (Join-Path $Root 'src/SmartCardPS/Formats') -Filter '*.Format.ps1xml' | Sort-Object Name).FullName -Destination (Join-Path $ModuleDir 'SmartCardPS.Format.ps1xml')
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/New-ModuleHelp.ps1') -ModuleDir $ModuleDir
    Get-ChildItem $ModuleDir -Filter '*.pdb' | Remove-Item
    Get-ChildItem $ModuleDir -Filter '*.deps.json' | Remove-Item
    Write-Host "Module $version is in $ModuleDir"
}

function Invoke-Package {
    $packageDir = Join-Path $OutDir 'package'
    if (Test-Path $packageDir) { Remove-Item $packageDir -Recurse -Force }
    New-Item -ItemType Directory $packageDir | Out-Null
    Compress-PSResource -Path $ModuleDir -DestinationPath $packageDir
    $package = Get-ChildItem $packageDir -Filter '*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Compress-PSResource wrote no package to $packageDir." }
    Write-Host "Package: $($package.FullName)"
}

# The xunit project (with the core and the test fixture the Pester files load too) and Pester itself.
function Invoke-TestBuild {
    Write-Step 'Building the tests'
    Invoke-Native dotnet build (Join-Path $Root 'tests/SmartCardPS.Core.Tests/SmartCardPS.Core.Tests.csproj') -c $Configuration --nologo -v quiet
    Invoke-Native dotnet restore (Join-Path $Root 'tests/tools/Pester.Download.csproj') --nologo -v quiet
}

function Invoke-Test {
    Install-TestPrerequisites
    Invoke-Build
    # The Pester suite installs the package to prove it is complete.
    Invoke-Package
    Invoke-TestBuild
    $results = Join-Path $OutDir 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory $results | Out-Null
    $nsRun = Join-Path $Root 'tests/tools/ns-run.sh'

    $machineBefore = @(Get-MachineState) + @(Get-WineDiversion)
    $testProject = Join-Path $Root 'tests/SmartCardPS.Core.Tests/SmartCardPS.Core.Tests.csproj'

    $discovered = @(Read-XunitTestList (& dotnet test $testProject -c $Configuration --no-build --nologo --list-tests 2>&1 | ForEach-Object { "$_" }))
    # xunit and Pester run side by side, each in its own namespace with its own pcscd, vpcd ports and p11-kit
    # registry (ns-run.sh), so the suite takes the longer of the two on a 2-core machine instead of their sum.
    # xunit's output is shown once it is done, so the two logs never interleave.
    $xunitLog = Join-Path $results 'xunit.log'
    Write-Step 'xunit, then the Wine tests (in the background), and Pester'
    $xunitJob = Start-ThreadJob -ArgumentList $nsRun, $testProject, $Configuration, $results, $xunitLog {
        param($nsRun, $testProject, $configuration, $results, $log)
        & $nsRun dotnet test $testProject -c $configuration --no-build --nologo `
            --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=normal' --results-directory $results 2>&1 |
            ForEach-Object { "$_" } | Set-Content -Path $log
        $LASTEXITCODE
    }
    # The Windows code path, in PowerShell on Windows under Wine (issue 21), once xunit is done: in its own namespace
    # too, and inside tests/wine/winscard.sh run, which installs the test winscard.dll for the run and puts Wine's back.
    # Where Wine's packages are missing its tests skip (and fail under CI) saying so. After xunit rather than beside it,
    # so that two lanes share the two cores throughout and Pester, the longest, never runs three to two.
    $wineLog = Join-Path $results 'wine.log'
    $wineJson = Join-Path $results 'wine.json'
    $winscard = Join-Path $Root 'tests/wine/winscard.sh'
    $wineRun = @(if (-not (& $winscard unavailable)) { $winscard, 'run' }) + @('dotnet', 'pwsh', '-NoProfile', '-NonInteractive', '-File',
        (Join-Path $Root 'tests/Invoke-PesterSuite.ps1'), '-ModuleDir', $ModuleDir, '-ResultPath', $wineJson, '-Path', (Join-Path $Root 'tests/wine'))
    # Then, in the same background job, a second Pester lane: the build tasks' own tests (tests/tasks, in a scratch copy
    # of the checkout), and Pester files moved out of the main run, which is the longest lane: Watch-SmartCard's waits
    # for events on its own private pcscd. It ends well before the main run.
    $movedPester = @(Join-Path $Root 'tests/pester/SmartCard/Watch-SmartCard.Tests.ps1')
    $secondLane = @(Join-Path $Root 'tests/tasks') + $movedPester
    $tasksLog = Join-Path $results 'tasks.log'
    $tasksJson = Join-Path $results 'tasks.json'
    $tasksRun = @('dotnet', 'pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/Invoke-PesterSuite.ps1'),
        '-ModuleDir', $ModuleDir, '-ResultPath', $tasksJson, '-Path', ($secondLane -join ','))
    $wineJob = Start-ThreadJob -ArgumentList $xunitJob, $nsRun, $wineRun, $wineLog, $tasksRun, $tasksLog {
        param($xunitJob, $nsRun, $wineRun, $log, $tasksRun, $tasksLog)
        $null = Wait-Job $xunitJob
        & $nsRun @wineRun 2>&1 | ForEach-Object { "$_" } | Set-Content -Path $log
        $LASTEXITCODE
        & $nsRun @tasksRun 2>&1 | ForEach-Object { "$_" } | Set-Content -Path $tasksLog
        $LASTEXITCODE
    }

    try {
        Write-Step 'Pester'
        $pesterJson = Join-Path $results 'pester.json'
        & $nsRun dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Invoke-PesterSuite.ps1') -ModuleDir $ModuleDir -ResultPath $pesterJson `
            -ExcludePath ($movedPester -join ',')
        $pester = Get-PesterRun -JsonPath $pesterJson -ExitCode $LASTEXITCODE
        Write-Step 'xunit'
        $xunitExit = @(Receive-Job $xunitJob -Wait)[-1]
        Write-Step 'Wine, and the build tasks'
        $wineExit, $tasksExit = @(Receive-Job $wineJob -Wait)[-2, -1]
    }
    finally {
        # Ctrl+C, or a failure above: the background runs must not outlive the build.
        Remove-Job $xunitJob, $wineJob -Force
    }
    Get-Content $wineLog | Out-Host
    $wine = Get-PesterRun -JsonPath $wineJson -ExitCode $(if ($wineExit -is [int]) { $wineExit } else { 1 })
    $wine.Name = 'Pester under Wine'
    Get-Content $tasksLog -ErrorAction SilentlyContinue | Out-Host
    $tasks = Get-PesterRun -JsonPath $tasksJson -ExitCode $(if ($tasksExit -is [int]) { $tasksExit } else { 1 })
    $tasks.Name = 'Pester, second lane'
    # A job that died without an exit code is a failed run, never a passed one.
    if ($xunitExit -isnot [int]) { $xunitExit = 1 }
    Get-Content $xunitLog | Out-Host
    $xunit = Get-XunitRun -TrxPath (Join-Path $results 'xunit.trx') -ConsoleLog (Get-Content $xunitLog) -ExitCode $xunitExit -Discovered $discovered

    $changes = @(Compare-MachineState $machineBefore (@(Get-MachineState) + @(Get-WineDiversion)))
    exit (Write-SuiteSummary -Runs $xunit, $pester, $wine, $tasks -MachineChanges $changes)
}

function Invoke-Demo {
    Install-TestPrerequisites
    Invoke-Build
    Invoke-Native dotnet build (Join-Path $Root 'tests/SmartCardPS.TestFixture/SmartCardPS.TestFixture.csproj') -c $Configuration --nologo -v quiet
    Write-Step 'Demo'
    $code = Invoke-UntilTornDown (Join-Path $Root 'tests/tools/ns-run.sh') dotnet pwsh -NoProfile -File (Join-Path $Root 'build/Demo.ps1') -ModuleDir $ModuleDir -Configuration $Configuration
    if ($code) { throw "The demo failed with exit code $code" }
}

function Invoke-Clean {
    foreach ($dir in @($OutDir) + (Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Select-Object -ExpandProperty FullName)) {
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    }
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Package' { Invoke-Build; Invoke-Package }
        'Test' { Invoke-Test }
        'Nightly' { $env:SMARTCARDPS_SOAK_CYCLES = '100'; $env:SMARTCARDPS_NIGHTLY = '1'; Invoke-Test }
        'Demo' { Invoke-Demo }
        'Mutants' { Invoke-Mutants -Only $Mutant }
        'Clean' { Invoke-Clean }
    }
}
finally {
    Pop-Location
}
