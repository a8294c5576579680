# Root writing into directories a hostile user owns: every writer cmdlet, raced by a real process of another uid
# (tests/SmartCardPS.TestFixture/native/file-attacker.c) that swaps symbolic links over each new temporary file and
# directory and keeps whatever descriptor it can open. A new writer is covered by adding one row to $Writers.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NotRootOnLinux = -not ($IsLinux -and (& id -u) -eq '0')
    # Each writer: its name, who owns what it makes in the user's directory, an optional per-round setup, and its write.
    $script:Writers = @(
        @{ Name = 'Register-NssModule'; RootOwned = $false
            Setup = { param($dir) Set-UserFile "$dir/pkcs11.txt" "library=`nname=NSS Internal PKCS #11 Module`n" }
            Write = { param($dir, $i) Register-NssModule -NssDatabase $dir -Name "M$i" -ModulePath $SoftHsmLibrary -Force } }
        @{ Name = 'Unregister-NssModule'; RootOwned = $false
            Setup = { param($dir) Set-UserFile "$dir/pkcs11.txt" "library=$SoftHsmLibrary`nname=Gone`n" }
            Write = { param($dir, $i) Unregister-NssModule -NssDatabase $dir -Name 'Gone' -Force } }
        @{ Name = 'Export-Pkcs11Certificate'; RootOwned = $true
            Write = { param($dir, $i) Export-Pkcs11Certificate -Object $Leaf -Path "$dir/cert$i.pem" -Force } }
        @{ Name = 'Set-FirefoxSecurityDevicePolicy'; RootOwned = $false
            Write = { param($dir, $i) Set-FirefoxSecurityDevicePolicy -PolicyPath "$dir/policies.json" -Name "D$i" -ModulePath $SoftHsmLibrary -Force } }
        @{ Name = 'Set-FirefoxSecurityDevicePolicy (new directory)'; RootOwned = $false
            Write = { param($dir, $i) Set-FirefoxSecurityDevicePolicy -PolicyPath "$dir/sub$i/policies.json" -Name "D$i" -ModulePath $SoftHsmLibrary -Force } }
        @{ Name = 'Set-OpenScConfiguration'; RootOwned = $true
            Write = { param($dir, $i) Set-OpenScConfiguration -Path "$dir/opensc$i.conf" -EnablePinPad $false -Create -Force } }
        @{ Name = 'Register-Pkcs11Module'; RootOwned = $true
            Write = { param($dir, $i) Register-Pkcs11Module -Name "m$i" -ModulePath $SoftHsmLibrary -Path "$dir/m$i.module" -Force } }
        @{ Name = 'Register-OpenScModule'; RootOwned = $true
            Write = { param($dir, $i) Register-OpenScModule -ModulePath $OpenScLibraryPath -Path "$dir/opensc.module" -Force } }
        @{ Name = 'New-SmartCardUdevRule'; RootOwned = $true
            Write = { param($dir, $i) New-SmartCardUdevRule -Name "r$i" -VendorId 072f -ProductId 90cc -Serial "S$i" -RulesDirectory $dir -Force -WarningAction SilentlyContinue } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:Attacker = [SmartCardPS.TestFixture.FileAttacker]
    $script:Rounds = 20
    $script:State = Start-TestObjectToken -Label 'SecurityToken'
    if ($State) { $script:Leaf = Get-Pkcs11Object -Token $State.Token -Type Certificate -Label 'leaf*' }
    # The writers' one fault seam (internal to the module's core): a test waits there for the attacker's move.
    $script:FaultPoint = [SmartCardPS.Os.UnsafePathException].Assembly.GetType('SmartCardPS.Os.AtomicFile').
        GetField('FaultPoint', [Reflection.BindingFlags]'NonPublic, Static').GetValue($null)

    # Every write into the attacker's directory waits, right after making its temporary file or directory, until
    # the attacker has raced it: the window a chown or chmod by path would leave open is raced every round.
    function Set-RaceEveryWrite($Running) {
        $seen = [ref]0
        $FaultPoint.Value = [Action[string, string]] {
            param($stage, $path)
            if (($stage -eq 'partial' -or $stage -eq 'directory') -and [IO.Path]::GetDirectoryName($path) -eq $Running.Directory) {
                $seen.Value++
                $Running.WaitForEvents($seen.Value, [TimeSpan]::FromSeconds(2))
            }
        }.GetNewClosure()
    }

    # A file of the user's own, made anew (never written through a link the user left there).
    function Set-UserFile([string] $Path, [string] $Content) {
        Remove-Item $Path -Force -ErrorAction SilentlyContinue
        [IO.File]::WriteAllText($Path, $Content)
        & chown "$($Attacker::Uid)" $Path
    }

    # Runs a writer's script block and returns its error records (the block takes no common parameters).
    function Get-WriteError([scriptblock] $Write, [object[]] $Arguments) {
        $ErrorActionPreference = 'Continue' # the suite runs with Stop, which would make each error terminating
        @(& $Write @Arguments 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
    }

    function Invoke-AsAttacker([string] $Command) {
        & setpriv "--reuid=$($Attacker::Uid)" "--regid=$($Attacker::Uid)" --clear-groups /bin/sh -c $Command
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Writers racing a hostile user, as root' -Tag Security -Skip:$NotRootOnLinux {
    It '<Name>: 20 raced rounds, each refused, the victim file untouched, no descriptor to a root file' -ForEach $Writers {
        Assert-TestDependency ($null -ne $State) 'SoftHSM (for a token with a certificate)'
        Assert-TestDependency (-not $Attacker::Unavailable()) "$($Attacker::Unavailable())"
        $running = $Attacker::Start($false)
        try {
            $before = $running.VictimState
            $errors = @()
            Set-RaceEveryWrite $running
            for ($i = 0; $i -lt $Rounds; $i++) {
                if ($Setup) { & $Setup $running.Directory }
                $errors += Get-WriteError $Write $running.Directory, $i
                $running.VictimState | Should -BeExactly $before -Because "round $i must leave the victim alone"
            }
            $stats = $running.Stats
            $stats['events'] | Should -BeGreaterOrEqual $Rounds -Because 'the attacker must have raced every round'
            $stats['swaps'] | Should -BeGreaterOrEqual $Rounds -Because 'the attacker must have swapped a link in every round'
            if ($RootOwned) { $stats['opened'] | Should -Be 0 -Because 'a root-owned file must never be open to the user' }
            # A raced write is refused with the reason, never reported done.
            $errors.Count | Should -Be $Rounds
            $errors | ForEach-Object { $_.FullyQualifiedErrorId } | Should -Match '(SymbolicLink),'
            $errors | ForEach-Object { $_.CategoryInfo.Category } | Sort-Object -Unique | Should -Be 'SecurityError'
        }
        finally {
            $FaultPoint.Value = $null
            $running.Dispose()
        }
    }

    It 'a umask of 000 never lets a user watching a root directory open the new udev rule or opensc.conf for writing' {
        Assert-TestDependency (-not $Attacker::Unavailable()) "$($Attacker::Unavailable())"
        $running = $Attacker::Start($true)
        try {
            $dir = $running.Directory
            $script = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-umask-$([guid]::NewGuid().ToString('N').Substring(0, 8)).ps1"
            Set-Content $script ("Import-Module '$ModuleDir/SmartCardPS.psd1'; 0..19 | ForEach-Object { " +
                "New-SmartCardUdevRule -Name r`$_ -VendorId 072f -ProductId 90cc -RulesDirectory '$dir' -WarningAction SilentlyContinue | Out-Null; " +
                "Set-OpenScConfiguration -Path `"$dir/opensc`$_.conf`" -EnablePinPad `$false -Create }")
            & /bin/sh -c "umask 000; exec '$((Get-Command dotnet).Source)' '$(Join-Path $PSHOME 'pwsh.dll')' -NoProfile -NonInteractive -File '$script'" | Out-Null
            Remove-Item $script
            $LASTEXITCODE | Should -Be 0
            $running.WaitForEvents(40, [TimeSpan]::FromSeconds(5))
            $running.Stats['events'] | Should -BeGreaterOrEqual 40
            $running.Stats['opened'] | Should -Be 0
            (Get-ChildItem $dir -Filter '*.rules').Count | Should -Be 20
            Get-ChildItem $dir -File | ForEach-Object { [IO.File]::ReadAllText($_.FullName) } | Should -Not -Match 'ATTACK'
        }
        finally {
            $running.Dispose()
        }
    }
}

Describe 'The file attacker itself' -Tag Security -Skip:$NotRootOnLinux {
    It 'leaves nothing in the temporary directory when its process ends' {
        $dll = ([SmartCardPS.TestFixture.FileAttacker]).Assembly.Location
        $script = "Add-Type -Path '$dll'; `$a = [SmartCardPS.TestFixture.FileAttacker]::Start(); `$a.Dispose(); " +
            "[SmartCardPS.TestFixture.FileAttacker].GetField('built', [Reflection.BindingFlags]'NonPublic, Static').GetValue(`$null)"
        $built = @(& ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script)[-1]
        $LASTEXITCODE | Should -Be 0
        $built | Should -BeLike '*file-attacker'
        Test-Path (Split-Path $built) | Should -BeFalse -Because 'the built attacker must go with the process that built it'
    }
}

Describe 'Files another user controls, as root' -Tag Security -Skip:$NotRootOnLinux {
    BeforeEach {
        $script:Base = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-victim-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory $Base | Out-Null
        & chmod 0755 $Base
        $script:UserDir = Join-Path $Base 'user'
        New-Item -ItemType Directory $UserDir | Out-Null
        & chown "$($Attacker::Uid):$($Attacker::Uid)" $UserDir
        $script:Secret = Join-Path $Base 'shadow'
        Set-Content $Secret 'root:secret' -NoNewline
        & chmod 0600 $Secret
    }
    # Only ever the scratch directory made above: a mistyped variable here once removed a real home directory.
    AfterEach { if ($Base -like (Join-Path ([IO.Path]::GetTempPath()) 'smartcardps-victim-*')) { Remove-Item $Base -Recurse -Force } }

    It 'never reads, shows or copies a root-only file or a setuid binary through a link the user put in place of pkcs11.txt' {
        Set-Content $Secret "name=root-secret`nlibrary=/x.so`n" -NoNewline
        foreach ($target in $Secret, '/usr/bin/passwd') {
            Remove-Item "$UserDir/pkcs11.txt" -Force -ErrorAction SilentlyContinue
            Invoke-AsAttacker "ln -s '$target' '$UserDir/pkcs11.txt'"
            $hash = (Get-FileHash $target).Hash
            Register-NssModule -NssDatabase $UserDir -ModulePath $SoftHsmLibrary -Name SoftHSM -Force -ErrorAction SilentlyContinue -ErrorVariable err
            $err.FullyQualifiedErrorId | Should -Be 'RegisterNssModuleSymbolicLink,SmartCardPS.Commands.RegisterNssModuleCommand'
            $err[0].Exception.Message | Should -Match 'symbolic link'
            (Get-FileHash $target).Hash | Should -Be $hash
            (Get-Item "$UserDir/pkcs11.txt" -Force).LinkType | Should -Be 'SymbolicLink'
            # Nor shown: a root-only file of name=value lines would otherwise list as modules.
            $listed = Get-NssModule -NssDatabase $UserDir -ErrorAction SilentlyContinue -ErrorVariable err
            $listed | Should -BeNullOrEmpty
            $err.FullyQualifiedErrorId | Should -Be 'GetNssModuleSymbolicLink,SmartCardPS.Commands.GetNssModuleCommand'
            @(Get-ChildItem $UserDir -Force).Count | Should -Be 1
        }
        & stat -c '%u %a' $Secret | Should -Be '0 600'
    }

    It 'refuses a directory another user can write unless -Force, naming the way out' -ForEach @(
        @{ Name = 'Register-NssModule'; Write = { param($dir) Register-NssModule -NssDatabase $dir -ModulePath $SoftHsmLibrary -Name SoftHSM } }
        @{ Name = 'Set-OpenScConfiguration'; Write = { param($dir) Set-OpenScConfiguration -Path "$dir/opensc.conf" -EnablePinPad $false -Create } }
        @{ Name = 'Set-FirefoxSecurityDevicePolicy'; Write = { param($dir) Set-FirefoxSecurityDevicePolicy -PolicyPath "$dir/policies.json" -Name X -ModulePath $SoftHsmLibrary } }
        @{ Name = 'New-SmartCardUdevRule'; Write = { param($dir) New-SmartCardUdevRule -Name r -VendorId 072f -ProductId 90cc -RulesDirectory $dir -WarningAction SilentlyContinue } }
        @{ Name = 'Register-Pkcs11Module'; Write = { param($dir) Register-Pkcs11Module -Name m -ModulePath $OpenScLibraryPath -Path "$dir/m.module" } }
        @{ Name = 'Unregister-Pkcs11Module'; Setup = { param($dir) Set-UserFile "$dir/m.module" "module: $SoftHsmLibrary`n" }
            Write = { param($dir) Unregister-Pkcs11Module -Path "$dir/m.module" } }
    ) {
        if ($_.Setup) { & $_.Setup $UserDir }
        $before = @(Get-ChildItem $UserDir -Force | ForEach-Object Name)
        $err = Get-WriteError $Write $UserDir
        $err.FullyQualifiedErrorId | Should -Match '^[A-Za-z0-9]+UntrustedDirectory,'
        $err[0].Exception.Message | Should -Match '-Force'
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        @(Get-ChildItem $UserDir -Force | ForEach-Object Name) | Should -Be $before
    }

    It 'replaces a read-only file only with -Force, and keeps its mode' {
        $policy = Join-Path $Base 'policies.json'
        Set-Content $policy '{"policies":{}}' -NoNewline
        & chmod 0444 $policy
        Set-FirefoxSecurityDevicePolicy -PolicyPath $policy -Name X -ModulePath $SoftHsmLibrary -ErrorAction SilentlyContinue -ErrorVariable err
        $err.FullyQualifiedErrorId | Should -Be 'SetFirefoxSecurityDevicePolicyReadOnly,SmartCardPS.Commands.SetFirefoxSecurityDevicePolicyCommand'
        Get-Content $policy -Raw | Should -Be '{"policies":{}}'
        (Set-FirefoxSecurityDevicePolicy -PolicyPath $policy -Name X -ModulePath $SoftHsmLibrary -Force).Add['X'] | Should -Be $SoftHsmLibrary
        & stat -c '%a' $policy | Should -Be '444'
    }

    It 'a FIFO planted as .parentlock, pkcs11.txt or policies.json neither hangs nor is read' {
        & mkfifo "$Base/.parentlock" "$Base/pkcs11.txt" "$Base/policies.json"
        $job = Start-ThreadJob -ArgumentList $ModuleDir, $Base, $SoftHsmLibrary {
            param($moduleDir, $dir, $library)
            Import-Module "$moduleDir/SmartCardPS.psd1"
            $e1 = @(); $e2 = @()
            Register-NssModule -NssDatabase $dir -ModulePath $library -Name SoftHSM -ErrorAction SilentlyContinue -ErrorVariable e1
            Set-FirefoxSecurityDevicePolicy -PolicyPath "$dir/policies.json" -Name X -ModulePath $library -ErrorAction SilentlyContinue -ErrorVariable e2
            @($e1) + @($e2) | ForEach-Object { $_.FullyQualifiedErrorId }
        }
        $done = Wait-Job $job -Timeout 20
        $ids = Receive-Job $job
        Remove-Job $job -Force
        $done | Should -Not -BeNullOrEmpty -Because 'a FIFO must never block a writer'
        $ids | Should -Be @('RegisterNssModuleNotRegularFile,SmartCardPS.Commands.RegisterNssModuleCommand', 'SetFirefoxSecurityDevicePolicyNotRegularFile,SmartCardPS.Commands.SetFirefoxSecurityDevicePolicyCommand')
    }

    It 'eight concurrent writers of one pkcs11.txt and one policies.json lose no update' {
        $db = New-TestNssDatabase
        $policy = Join-Path $Base 'policies.json'
        # Eight distinct libraries (copies: NSS registers one library once, whatever its name).
        1..8 | ForEach-Object { Copy-Item $SoftHsmLibrary "$Base/lib$_.so" }
        try {
            $jobs = 1..8 | ForEach-Object {
                Start-ThreadJob -ArgumentList $ModuleDir, $db, $policy, $_ {
                    param($moduleDir, $db, $policy, $n)
                    Import-Module "$moduleDir/SmartCardPS.psd1"
                    Register-NssModule -NssDatabase $db -Name "M$n" -ModulePath "$(Split-Path $policy)/lib$n.so" -ErrorAction Stop | Out-Null
                    Set-FirefoxSecurityDevicePolicy -PolicyPath $policy -Name "D$n" -ModulePath "$(Split-Path $policy)/lib$n.so" | Out-Null
                }
            }
            $jobs | Wait-Job -Timeout 60 | Out-Null
            $jobs | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable jobErrors | Out-Null
            $jobs | Remove-Job -Force
            (Set-FirefoxSecurityDevicePolicy -PolicyPath $policy -Name D0 -ModulePath $SoftHsmLibrary).Add.Count | Should -Be 9
            @(Get-NssModule -NssDatabase $db | Where-Object Name -like 'M*').Count | Should -Be 8
            $jobErrors | Should -BeNullOrEmpty
        }
        finally {
            Remove-Item $db -Recurse -Force
        }
    }

    It 'a /dev/zero linked into p11-kit''s config directory is one warning, not an OutOfMemoryException' {
        $link = '/etc/pkcs11/modules/zero.module'
        New-Item -ItemType Directory /etc/pkcs11/modules -Force | Out-Null
        New-Item -ItemType SymbolicLink -Path $link -Target /dev/zero | Out-Null
        try {
            $warnings = @(Get-Pkcs11Module -IncludeBroken -ErrorAction Stop 3>&1 | Where-Object { $_ -is [Management.Automation.WarningRecord] })
            $warnings.Message | Should -Match "zero\.module.*is a character device, not a regular file"
        }
        finally {
            Remove-Item $link -Force
        }
    }
}
