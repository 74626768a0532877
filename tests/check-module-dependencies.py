#!/usr/bin/env python3
"""Checks the include lines of src/ against the module rules of docs/ARCHITECTURE.md, "Modules".

Each folder of src/ is a module. A file may include the headers of its own module and of the
modules its module may depend on, and nothing below src/ui includes a UI toolkit header (GTK,
GDK, libadwaita, WebKit). Exits 1 listing every include that breaks a rule.

Usage: check-module-dependencies.py SRC_DIR
"""
import pathlib
import re
import sys

# What each module may include besides itself: the table of docs/ARCHITECTURE.md, "Modules".
ALLOWED = {
    'model': set(),
    'storage': {'model'},
    'stages': {'model', 'storage'},
    'engine': {'model', 'storage', 'stages'},
    'auth': {'model', 'storage', 'stages', 'engine'},
    'editing': {'model', 'storage', 'stages'},
    'sandbox': set(),
    'sign-in': {'model', 'storage', 'stages', 'engine', 'auth'},
    'ui': {'model', 'storage', 'stages', 'engine', 'auth', 'editing', 'sandbox'},
    'studio': {'model', 'storage', 'stages', 'engine', 'auth', 'editing', 'sandbox', 'ui'},
    'cli': {'model', 'storage', 'stages', 'engine', 'auth', 'editing', 'sandbox'},
}

# Includes that break a rule on purpose, each with the reason it is still there:
# (module, header) -> reason.
EXCEPTIONS = {
}

# Modules that may use a UI toolkit.
TOOLKIT_MODULES = {'sign-in', 'ui', 'studio'}
TOOLKIT = re.compile(r'^(gtk|gdk|adwaita|webkit|javascriptcore)\b')

# Headers generated in the build tree, and the module each belongs to.
GENERATED = {
    'config.h': None,
    'flows-enums.h': 'model',
    'flows-sign-in-module-paths.h': 'auth',
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main():
    src = pathlib.Path(sys.argv[1])
    modules = {path.name for path in src.iterdir() if path.is_dir()}
    unknown = modules - set(ALLOWED)
    if unknown:
        print(f'modules with no rule in this script: {", ".join(sorted(unknown))}', file=sys.stderr)
        return 1

    owner = dict((name, module) for name, module in GENERATED.items())
    files = sorted(p for p in src.rglob('*') if p.suffix in ('.c', '.h'))
    for path in files:
        if path.suffix == '.h':
            owner.setdefault(path.name, path.relative_to(src).parts[0])

    problems = []
    for path in files:
        module = path.relative_to(src).parts[0]
        for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            bracket, header = match.groups()
            where = f'{path.relative_to(src.parent)}:{number}'
            if bracket == '<':
                if TOOLKIT.match(header) and module not in TOOLKIT_MODULES:
                    problems.append(f'{where}: {module} includes the UI toolkit header <{header}>')
                continue
            target = owner.get(pathlib.PurePath(header).name)
            if target is None or target == module or target in ALLOWED[module]:
                continue
            if (module, header) in EXCEPTIONS:
                continue
            problems.append(f'{where}: {module} may not include "{header}" of {target}')

    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f'{len(problems)} include(s) break the module rules of docs/ARCHITECTURE.md, "Modules"',
              file=sys.stderr)
        return 1
    print(f'{len(files)} files in {len(modules)} modules follow the module rules')
    return 0


if __name__ == '__main__':
    sys.exit(main())
