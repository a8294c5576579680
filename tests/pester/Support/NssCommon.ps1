# Dot-sourced by the NSS and Firefox tests: scratch NSS databases, and a private HOME so that Firefox
# profiles are created and found there, never in the real user's home.

$script:SoftHsmLibrary = '/usr/lib/softhsm/libsofthsm2.so'
$script:OpenScLibraryPath = (Get-Item /usr/lib/*/opensc-pkcs11.so -ErrorAction SilentlyContinue | Select-Object -First 1).FullName
$script:NssToolsMissing = -not ((Get-Command certutil -ErrorAction SilentlyContinue) -and (Get-Command modutil -ErrorAction SilentlyContinue))
$script:FirefoxMissing = -not (Get-Command firefox-esr -ErrorAction SilentlyContinue)

function New-TestDirectory([string] $Prefix) {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("smartcardps-$Prefix-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $dir | Out-Null
    $dir
}

function New-TestNssDatabase {
    $dir = New-TestDirectory 'nssdb'
    & certutil -N --empty-password -d "sql:$dir"
    if ($LASTEXITCODE) { throw "certutil -N failed in $dir" }
    $dir
}

# modutil -list as (Name, Library) pairs, without the internal module (always first).
function Get-ModutilList([string] $Dir) {
    $list = [Collections.Generic.List[object]]::new()
    foreach ($line in (& modutil -dbdir "sql:$Dir" -list)) {
        if ($line -match '^\s+\d+\. (.*)$') { $list.Add([pscustomobject]@{ Name = $Matches[1]; Library = '' }) }
        elseif ($line -match '^\s+library name: (.*)$') { $list[$list.Count - 1].Library = $Matches[1] }
    }
    @($list | Select-Object -Skip 1)
}

# A private HOME with Firefox profiles made by firefox-esr -CreateProfile; $env:HOME points there until Restore-TestHome.
function Use-TestHome {
    $script:SavedHome = $env:HOME
    $script:TestHome = New-TestDirectory 'home'
    $env:HOME = $script:TestHome
    $script:TestHome
}

function Restore-TestHome {
    if ($script:SavedHome) { $env:HOME = $script:SavedHome }
    if ($script:TestHome -and (Test-Path $script:TestHome)) { Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue }
}

function New-TestFirefoxProfile([string] $Name) {
    & firefox-esr --headless -CreateProfile $Name 2>&1 | Out-Null
    Get-FirefoxProfile -Name $Name
}

# Firefox's hold on a profile: an fcntl write lock on DIR/.parentlock, taken by another process until
# Stop-TestProfileLock. Returns once the lock is held.
function Start-TestProfileLock([string] $Directory) {
    $psi = [Diagnostics.ProcessStartInfo]::new('python3')
    foreach ($argument in '-c', "import fcntl, sys`nf = open(sys.argv[1], 'w')`nfcntl.lockf(f, fcntl.LOCK_EX)`nprint('locked', flush=True)`nsys.stdin.read()", (Join-Path $Directory '.parentlock')) {
        $psi.ArgumentList.Add($argument)
    }
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $holder = [Diagnostics.Process]::Start($psi)
    $answer = $holder.StandardOutput.ReadLine()
    if ($answer -ne 'locked') { throw "The lock holder said '$answer', not 'locked'." }
    $holder
}

function Stop-TestProfileLock([Diagnostics.Process] $Holder) {
    if (-not $Holder) { return }
    $Holder.StandardInput.Close()
    $Holder.WaitForExit()
}
