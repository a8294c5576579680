# The package build.ps1 -Task Package makes is installed the way the README says, into a private user scope,
# and imported by name: a file missing from the package shows up here.
BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:PackageDir = Join-Path (Split-Path $ModuleDir) 'package'
    $script:Manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'SmartCardPS.psd1')
}

Describe 'The SmartCardPS package' {
    It 'installs with Install-PSResource from a folder repository and works when imported by name' {
        $package = Get-ChildItem $PackageDir -Filter 'SmartCardPS.*.nupkg'
        $package | Should -HaveCount 1
        $package.Name | Should -Be "SmartCardPS.$($Manifest.ModuleVersion).nupkg"

        # A private HOME: the repository registration and the CurrentUser scope land there, not in the user's.
        $home_ = Join-Path ([IO.Path]::GetTempPath()) ("scps-pkg-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        # .NET gives an empty LocalApplicationData (and PSResourceGet a relative path) unless the folder exists.
        foreach ($dir in '.local/share', '.config', '.cache') { New-Item -ItemType Directory (Join-Path $home_ $dir) -Force | Out-Null }
        try {
            $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name SmartCardPSLocal -Uri '$PackageDir' -Trusted
Install-PSResource -Name SmartCardPS -Repository SmartCardPSLocal -Scope CurrentUser -TrustRepository -Quiet
`$m = Import-Module SmartCardPS -PassThru
`$m.ModuleBase
(Get-Command -Module SmartCardPS).Count
(ConvertFrom-Atr '3B 02 14 50').GetType().FullName
(Get-Help about_SmartCardPS | Out-String) -match 'ArchWiki'
"@
            $env_ = @{ HOME = $home_; XDG_DATA_HOME = "$home_/.local/share"; XDG_CONFIG_HOME = "$home_/.config"; XDG_CACHE_HOME = "$home_/.cache"; PSModulePath = '' }
            $saved = @{}
            foreach ($k in $env_.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $env_[$k]) }
            try {
                $hostPath = [Environment]::ProcessPath
                $hostArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
                $out = @(& $hostPath @hostArgs -NoProfile -NonInteractive -Command $script 2>&1)
                $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
            }
            finally {
                foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
            }
            $out[0] | Should -BeLike "$home_*"
            [int]$out[1] | Should -Be $Manifest.CmdletsToExport.Count
            $out[2] | Should -Be (Get-Command ConvertFrom-Atr).OutputType[0].Type.FullName
            $out[3] | Should -Be 'True'
        }
        finally {
            Remove-Item $home_ -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
