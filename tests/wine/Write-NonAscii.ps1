<#
.SYNOPSIS
    Writes text beyond ASCII (an ellipsis, as shortened messages end, and accented letters, as reader and token
    names have) to the Windows host's console, for Wine.Tests.ps1 to read back whole.
#>
# Built from code points, so that neither this file's encoding nor Wine's argument conversion plays a part.
"cut$([char]0x2026) caf$([char]0xE9) $([char]0x201C)quoted$([char]0x201D)"
