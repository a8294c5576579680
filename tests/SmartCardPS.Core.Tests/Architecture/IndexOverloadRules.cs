using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;

namespace SmartCardPS.Tests.Architecture
{
    /// <summary>
    /// A named method passed to Select, Where, SelectMany, TakeWhile or SkipWhile binds to the (item, index) overload
    /// when its second parameter is an int, even an optional one: files.Select(UntrustedText.Quote) once cut each file
    /// name at its own index (issue 23, item 17). The compiler says nothing, so the compiled code is checked: no named
    /// method may become a Func&lt;T, int, TResult&gt; handed to System.Linq.Enumerable. Lambdas are exempt: one that
    /// takes an index says so.
    /// </summary>
    public class IndexOverloadRules
    {
        private static readonly string[] Assemblies = { "SmartCardPS.Core.dll", "SmartCardPS.dll" };

        [Fact]
        public void NoMethodGroupBindsToAnIndexOverload()
        {
            var found = new List<string>();
            foreach (string name in Assemblies)
            {
                using var module = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, name));
                foreach (TypeDefinition type in AllTypes(module.Types))
                {
                    foreach (MethodDefinition method in type.Methods.Where(m => m.HasBody))
                        found.AddRange(IndexedMethodGroups(method).Select(target => $"{type.FullName}.{method.Name} passes {target} as (item, index)"));
                }
            }
            Assert.Empty(found);
        }

        private static IEnumerable<TypeDefinition> AllTypes(IEnumerable<TypeDefinition> types) =>
            types.SelectMany(t => new[] { t }.Concat(AllTypes(t.NestedTypes)));

        private static IEnumerable<string> IndexedMethodGroups(MethodDefinition method)
        {
            var code = method.Body.Instructions;
            for (int i = 0; i < code.Count; i++)
            {
                if (code[i].OpCode != OpCodes.Ldftn && code[i].OpCode != OpCodes.Ldvirtftn) continue;
                var target = (MethodReference)code[i].Operand;
                // Lambdas and local functions compile to methods named <Outer>b__0_0 or <Outer>g__Name|0_0.
                if (target.Name.StartsWith("<", StringComparison.Ordinal)) continue;
                Instruction next = code[i].Next;
                if (next?.OpCode != OpCodes.Newobj || !IsIndexedFunc(((MethodReference)next.Operand).DeclaringType)) continue;
                // The delegate may be cached in a static field first (dup, stsfld): the next call is where it goes.
                Instruction call = next.Next;
                while (call != null && call.OpCode != OpCodes.Call && call.OpCode != OpCodes.Callvirt) call = call.Next;
                if (call != null && ((MethodReference)call.Operand).DeclaringType.FullName == "System.Linq.Enumerable")
                    yield return target.DeclaringType.FullName + "." + target.Name;
            }
        }

        private static bool IsIndexedFunc(TypeReference type) =>
            type is GenericInstanceType generic && generic.ElementType.FullName == "System.Func`3"
            && generic.GenericArguments[1].FullName == "System.Int32";
    }
}
