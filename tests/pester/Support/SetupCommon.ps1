# Dot-sourced by the setup Pester files: the shared Common.ps1 and a child pwsh running the built module,
# optionally under a wrapper such as umockdev-run.

. (Join-Path $PSScriptRoot 'Common.ps1')

# Runs $Script in a new pwsh with the module imported, behind the wrapper command $Wrapper; returns its output lines.
function Invoke-ChildPwsh([string] $Script, [string[]] $Wrapper = @()) {
    $hostPath = [Environment]::ProcessPath
    $hostArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $prelude = "`$ErrorActionPreference = 'Stop'; Import-Module '$(Join-Path $ModuleDir 'SmartCardPS.psd1')'; "
    # .NET's diagnostics IPC deadlocks under umockdev's preload library.
    $env:DOTNET_EnableDiagnostics = '0'
    try {
        $all = @($Wrapper) + @($hostPath) + $hostArgs + @('-NoProfile', '-NonInteractive', '-Command', $prelude + $Script)
        & $all[0] @($all | Select-Object -Skip 1) 2>&1
    }
    finally { Remove-Item Env:DOTNET_EnableDiagnostics }
}

# Adds USB device $Port (e.g. 1-3) with interface :1.0 to a sysfs tree under $Root, laid out as the kernel lays it out:
# the device under sys/devices, links in sys/bus/usb/devices. -Tty gives the interface a serial node.
function Add-TestUsbDevice([string] $Root, [string] $Port, [string] $VendorId, [string] $ProductId, [string] $InterfaceClass,
    [string] $Serial, [string] $Tty) {
    $device = Join-Path $Root "sys/devices/usb1/$Port"
    $interface = Join-Path $device "${Port}:1.0"
    $links = Join-Path $Root 'sys/bus/usb/devices'
    New-Item -ItemType Directory $interface, $links -Force | Out-Null
    if ($Tty) { New-Item -ItemType Directory (Join-Path $interface $Tty) | Out-Null }
    Set-Content (Join-Path $device 'idVendor') $VendorId
    Set-Content (Join-Path $device 'idProduct') $ProductId
    if ($Serial) { Set-Content (Join-Path $device 'serial') $Serial }
    Set-Content (Join-Path $interface 'bInterfaceClass') $InterfaceClass
    New-Item -ItemType SymbolicLink -Path (Join-Path $links $Port) -Target $device | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $links "${Port}:1.0") -Target $interface | Out-Null
}
