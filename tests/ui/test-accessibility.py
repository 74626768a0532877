#!/usr/bin/python3
"""The accessibility audit: what a screen reader sees of the real flows-studio.

Starts flows-studio (the program given, else build/src/studio/flows-studio) on a fresh data
directory with the accessibility bus (D-Bus activates org.a11y.Bus on the session bus of
build-aux/session), visits every view through AT-SPI actions on named widgets, and fails on any
interactive or focusable node without an accessible name, and on a default action (a node's
first, which a screen reader runs) that removes something, with its role and path.
Prints TAP: one test case per view.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import gi

gi.require_version("Atspi", "2.0")
# PyGObject calls get_component_iface and get_action_iface deprecated, yet they are libatspi's
# own replacements of the deprecated get_component and get_action.
warnings.filterwarnings("ignore", category=DeprecationWarning)
from gi.repository import Atspi  # noqa: E402

INTERACTIVE_ROLES = {
    Atspi.Role.PUSH_BUTTON,
    Atspi.Role.TOGGLE_BUTTON,
    Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON,
    Atspi.Role.MENU_ITEM,
    Atspi.Role.CHECK_MENU_ITEM,
    Atspi.Role.RADIO_MENU_ITEM,
    Atspi.Role.ENTRY,
    Atspi.Role.PASSWORD_TEXT,
    Atspi.Role.TEXT,
    Atspi.Role.COMBO_BOX,
    Atspi.Role.SPIN_BUTTON,
    Atspi.Role.SLIDER,
    Atspi.Role.LINK,
    Atspi.Role.PAGE_TAB,
    Atspi.Role.SWITCH if hasattr(Atspi.Role, "SWITCH") else Atspi.Role.TOGGLE_BUTTON,
}
# A list item counts when a user can reach it: selectable or focusable.
ITEM_ROLES = {Atspi.Role.LIST_ITEM, Atspi.Role.TABLE_ROW, Atspi.Role.TREE_ITEM}


def role_name(node):
    return node.get_role_name()


def on_screen(node):
    """GTK 4.8 sets SHOWING on windows only and VISIBLE on every widget whose visible property
    is set, hidden stack pages and closed popovers included; what is drawn has a size."""
    if not node.get_state_set().contains(Atspi.StateType.VISIBLE):
        return False
    component = node.get_component_iface()
    if component is None:
        return True
    extents = component.get_extents(Atspi.CoordType.WINDOW)
    return extents.width > 0 and extents.height > 0


def needs_name(node):
    states = node.get_state_set()
    role = node.get_role()
    if role in INTERACTIVE_ROLES:
        return True
    if role in ITEM_ROLES and (states.contains(Atspi.StateType.SELECTABLE)
                               or states.contains(Atspi.StateType.FOCUSABLE)):
        return True
    # A scroll pane is a container: keyboard focus and the screen reader go to what it holds.
    return role != Atspi.Role.SCROLL_PANE and states.contains(Atspi.StateType.FOCUSABLE)


def walk(node, path, out):
    """Visits every showing node below NODE; PATH names it for the report."""
    try:
        count = node.get_child_count()
    except gi.repository.GLib.Error:
        return
    for i in range(count):
        child = node.get_child_at_index(i)
        if child is None:
            continue
        name = child.get_name() or ""
        here = f"{path}/{role_name(child)}[{i}]" + (f"‘{name}’" if name else "")
        if not on_screen(child):
            continue
        out.append((child, here, name))
        walk(child, here, out)


def nodes_of(app):
    out = []
    walk(app, "app", out)
    return out


def first_action(node):
    action = node.get_action_iface()
    try:
        if action is None or action.get_n_actions() == 0:
            return None
        return action.get_action_name(0)
    except gi.repository.GLib.Error:
        # GTK 4.8 names no action of an insensitive widget, which runs none either.
        return None


def mnemonic_leak(name):
    """A mnemonic's underscore read out ("_Cancel"), or a name said twice ("Cancel Cancel"):
    what GTK 4.8 makes of a button whose label has a mnemonic and a name besides."""
    words = name.lower().split()
    half = len(words) // 2
    return (re.search(r"(^|\s)_\w", name) is not None
            or (half > 0 and len(words) % 2 == 0 and words[:half] == words[half:]))


# "Route “success” from Trigger “Start” to Set Fields “Authorisation settings”", then after a
# run ", taken" or ", not taken".
ROUTE_NAME = re.compile(r"Route “[^”]+” from [^“]+ “[^”]*” to [^“]+ “[^”]*”(, (taken|not taken))?")


def is_route_marker(node):
    """A marker of the flow canvas: an image among the canvas's children (its cards are groups)."""
    parent = node.get_parent()
    return (node.get_role() == Atspi.Role.IMAGE and parent is not None
            and parent.get_name() == "Flow canvas")


def route_named(app, name):
    return next((node for node, _path, node_name in nodes_of(app)
                 if is_route_marker(node) and node_name == name), None)


def problems(app):
    """What a screen reader user would stumble on, one line each with the node's role and path:
    an interactive node without a name, a name with a mnemonic's underscore or said twice, a
    default action (the first) that destroys."""
    found = []
    for node, path, name in nodes_of(app):
        if needs_name(node) and not name.strip():
            found.append(f"no name: {role_name(node)} at {path}")
        if mnemonic_leak(name):
            found.append(f"name with a mnemonic ‘{name}’: {role_name(node)} at {path}")
        # A route of the canvas is drawn; its marker is all a screen reader knows of it.
        if is_route_marker(node) and not ROUTE_NAME.fullmatch(name):
            found.append(f"route without its name ‘{name}’: {role_name(node)} at {path}")
        default = first_action(node)
        # "win.undo-delete-app" brings an App back; "param.remove" takes one away.
        if default is not None and re.match(r"(remove|delete|clear)", default.split(".")[-1]):
            found.append(f"destructive default action {default}: {role_name(node)} at {path}")
    return found


def wait_for(what, check, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def find(app, role, name):
    for node, _path, node_name in nodes_of(app):
        if node.get_role() == role and node_name == name:
            return node
    return None


def activate(app, role, name):
    """Runs the first action of the node of ROLE named NAME below APP (the application or one of
    its windows), as a screen reader would."""
    def actionable():
        # A GtkMenuButton is a named node around the button that has the action.
        for node, _path, node_name in nodes_of(app):
            if node.get_role() == role and node_name == name:
                action = node.get_action_iface()
                if action is not None and action.get_n_actions() > 0:
                    return action
        return None

    wait_for(f"{role.value_nick} ‘{name}’ with an action", actionable).do_action(0)
    time.sleep(0.5)


def top_windows(app):
    return [app.get_child_at_index(i) for i in range(app.get_child_count())]


def window(app, title):
    return next((w for w in top_windows(app) if w is not None and w.get_name() == title), None)


def card_with_run_state(app):
    """A canvas card whose name says its type, its title, its run state and its duration, and
    the first route, which the run took."""
    for node, _path, name in nodes_of(app):
        if re.fullmatch(r"Trigger stage “Start”, Succeeded, [0-9]+ ms", name):
            return route_named(app, FIRST_ROUTE + ", taken")
    return None


# The first route of the sample App's first flow, OAuth Step 1.
FIRST_ROUTE = "Route “success” from Trigger “Start” to Set Fields “Authorisation settings”"


def menu(app, button, item):
    activate(app, Atspi.Role.PUSH_BUTTON, button)
    activate(app, Atspi.Role.MENU_ITEM, item)


# Each view: its name, how to reach it from the one before through AT-SPI actions, and what
# says it is there.
def parameter_expanded(app):
    """The Key field of a parameter row that its default action opened."""
    return find(app, Atspi.Role.TEXT, "Key")


VIEWS = [
    ("Authentication", lambda app: None,
     lambda app: find(app, Atspi.Role.PUSH_BUTTON, "Add Parameter")),
    ("A parameter, opened by its default action",
     lambda app: activate(app, Atspi.Role.LIST_ITEM, "Client ID"),
     parameter_expanded),
    ("Flows", lambda app: activate(app, Atspi.Role.PAGE_TAB, "Flows"),
     lambda app: find(app, Atspi.Role.PUSH_BUTTON, "New Flow")),
    ("Connections", lambda app: activate(app, Atspi.Role.PAGE_TAB, "Connections"),
     lambda app: find(app, Atspi.Role.PUSH_BUTTON, "Add Connection")),
    ("Flow editor", lambda app: (activate(app, Atspi.Role.PAGE_TAB, "Flows"), menu(app, "Flow Actions", "Open")),
     lambda app: find(app, Atspi.Role.PUSH_BUTTON, "Back to Flows") and route_named(app, FIRST_ROUTE)),
    ("Run Flow dialog", lambda app: activate(app, Atspi.Role.PUSH_BUTTON, "Run"),
     lambda app: window(app, "Run Flow")),
    ("Flow editor after a run", lambda app: activate(window(app, "Run Flow"), Atspi.Role.PUSH_BUTTON, "Run"),
     card_with_run_state),
    ("New App dialog", lambda app: (activate(app, Atspi.Role.PUSH_BUTTON, "Back to Flows"),
                                    activate(app, Atspi.Role.PUSH_BUTTON, "New App")),
     lambda app: window(app, "New App")),
    ("Preferences", lambda app: (activate(app, Atspi.Role.PUSH_BUTTON, "Cancel"), menu(app, "Main Menu", "Preferences")),
     lambda app: window(app, "Preferences") and window(app, "New App") is None),
]


def main():
    # meson passes the program; by hand, the build tree beside this source tree.
    build_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build")
    studio = sys.argv[1] if len(sys.argv) > 1 else os.path.join(build_dir, "src", "studio", "flows-studio")
    data_dir = tempfile.mkdtemp(prefix="flows-a11y-")
    env = dict(os.environ,
               FLOWS_STUDIO_DATA_DIR=os.path.join(data_dir, "library"),
               GSETTINGS_BACKEND="memory")
    env.setdefault("GSETTINGS_SCHEMA_DIR", os.path.join(build_dir, "data"))
    # The other tests run without the accessibility bridge; this one is about it.
    env.pop("NO_AT_BRIDGE", None)
    print(f"1..{len(VIEWS)}", flush=True)
    studio_process = subprocess.Popen([studio], env=env)
    failed = 0
    try:
        def started():
            if studio_process.poll() is not None:
                raise RuntimeError(f"flows-studio exited with status {studio_process.returncode}")
            return find_app(studio_process.pid)

        app = wait_for("flows-studio on the accessibility bus", started)
        wait_for("the first view", lambda: find(app, Atspi.Role.PUSH_BUTTON, "Add Parameter"))
        for number, (view, reach, landmark) in enumerate(VIEWS, start=1):
            try:
                reach(app)
                time.sleep(1.5)
                wait_for(view, lambda: landmark(app))
                missing = problems(app)
            except (TimeoutError, RuntimeError) as error:
                missing = None
                print(f"# {view}: {error}")
            if missing:
                for problem in missing:
                    print(f"# {view}: {problem}")
            ok = missing == []
            failed += not ok
            count = "?" if missing is None else len(missing)
            print(f"{'ok' if ok else 'not ok'} {number} /accessibility/{view} ({count} problems)", flush=True)
    finally:
        studio_process.terminate()
        studio_process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
