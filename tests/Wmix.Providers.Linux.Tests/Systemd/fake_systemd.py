#!/usr/bin/python3
"""A scripted org.freedesktop.systemd1 peer for the Wmix tests.

The test machine has no systemd as PID 1, so the Win32_Service systemd backend is tested against this stand-in,
written with an independent D-Bus implementation (python3-dbus over libdbus, GLib main loop). It owns the name
org.freedesktop.systemd1 on the bus given as argv[1] and models a few units in a state machine with systemd's
interface semantics:

  Manager (/org/freedesktop/systemd1, org.freedesktop.systemd1.Manager):
    ListUnits, ListUnitFiles, GetUnit (NoSuchUnit unless loaded), LoadUnit (loads from a unit file, or a
    "not-found" unit), StartUnit / StopUnit (mode must be valid; a job object; JobNew / JobRemoved signals only
    while someone has called Subscribe, as systemd does), GetJob (NoSuchJob once finished), Subscribe, Unsubscribe.
  Units (/org/freedesktop/systemd1/unit/<escaped name>): org.freedesktop.DBus.Properties Get / GetAll on
    org.freedesktop.systemd1.Unit and org.freedesktop.systemd1.Service.

Units: running (enabled, active), stopped (static, inactive), disabled (disabled, not loaded until asked),
masked (StartUnit fails with UnitMasked), failing (its start job fails: exit status 3), guarded (StopUnit is
denied with AccessDenied), slow (its start job never finishes), getty@tty1 (an instance of the template
getty@.service), alias-running.service (an alias of running, marked "alias" as systemd >= 250 does),
old-alias.service (an alias of stopped, marked "enabled" as older systemd does), ghost (referenced but no unit file: not-found),
dbus.socket (not a service).

With --no-job-signals as argv[2] it never emits JobRemoved (a lost signal), so clients must notice the job's end
by polling GetJob.

Prints READY on stdout once the name is owned.
"""
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE_MANAGER = "org.freedesktop.systemd1.Manager"
IFACE_UNIT = "org.freedesktop.systemd1.Unit"
IFACE_SERVICE = "org.freedesktop.systemd1.Service"
IFACE_PROPS = "org.freedesktop.DBus.Properties"
ROOT = "/org/freedesktop/systemd1"
USEC = 1_700_000_000_000_000
NO_JOB_SIGNALS = len(sys.argv) > 2 and sys.argv[2] == "--no-job-signals"

UNIT_FILES = {  # name -> (path, UnitFileState)
    "running.service": ("/lib/systemd/system/running.service", "enabled"),
    "stopped.service": ("/lib/systemd/system/stopped.service", "static"),
    "disabled.service": ("/lib/systemd/system/disabled.service", "disabled"),
    "masked.service": ("/etc/systemd/system/masked.service", "masked"),
    "failing.service": ("/lib/systemd/system/failing.service", "enabled"),
    "guarded.service": ("/lib/systemd/system/guarded.service", "enabled"),
    "slow.service": ("/lib/systemd/system/slow.service", "disabled"),
    "getty@.service": ("/lib/systemd/system/getty@.service", "enabled"),
    "alias-running.service": ("/etc/systemd/system/alias-running.service", "alias"),
    "old-alias.service": ("/etc/systemd/system/old-alias.service", "enabled"),
    "dbus.socket": ("/lib/systemd/system/dbus.socket", "static"),
}
ALIASES = {"alias-running.service": "running.service", "old-alias.service": "stopped.service"}

DEFS = {  # name -> description, ExecStart argv, User, initially active, behaviour
    "running.service": ("Running Test Daemon", ["/usr/sbin/wmixd", "-f", "--port", "80"], "wmix", True, None),
    "stopped.service": ("Stopped Test Daemon", ["/usr/bin/stopped-daemon"], "", False, None),
    "disabled.service": ("Disabled Test Daemon", ["/usr/bin/disabled-daemon", "--quiet"], "", False, None),
    "masked.service": ("masked.service", [], "", False, None),
    "failing.service": ("Failing Test Daemon", ["/usr/bin/false"], "", False, "fail"),
    "guarded.service": ("Guarded Test Daemon", ["/usr/sbin/guarded", "-d"], "", True, "guard"),
    "slow.service": ("Slow Test Daemon", ["/usr/bin/sleep", "infinity"], "", False, "slow"),
    "getty@tty1.service": ("Getty on tty1", ["/sbin/agetty", "-o", "-p -- \\u", "--noclear", "tty1", "linux"], "", True, None),
    "dbus.socket": ("D-Bus System Message Bus Socket", [], "", True, None),
}
INITIALLY_LOADED = ["running.service", "stopped.service", "masked.service", "failing.service", "guarded.service",
                    "slow.service", "getty@tty1.service", "ghost.service", "dbus.socket"]


def escape(name):
    return "".join(c if c.isalnum() and c.isascii() else "_%02x" % ord(c) for c in name)


class Error(dbus.DBusException):
    def __init__(self, name, text):
        super().__init__(text, name=name)


class Unit(dbus.service.Object):
    def __init__(self, manager, name):
        self.manager = manager
        self.name = name
        self.path = ROOT + "/unit/" + escape(name)
        super().__init__(manager.bus, self.path)
        path, file_state = UNIT_FILES.get(name, ("", ""))
        desc, argv, user, active, behaviour = DEFS.get(name, (name, [], "", False, None))
        self.fragment = path
        self.file_state = file_state
        self.description = desc
        self.argv = argv
        self.user = user
        self.behaviour = behaviour
        self.load_state = "masked" if file_state == "masked" else ("loaded" if name in DEFS else "not-found")
        self.active = "active" if active else "inactive"
        self.sub = ("listening" if name.endswith(".socket") else "running") if active else "dead"
        self.main_pid = 1000 + len(manager.units) if active and argv else 0
        self.exec_status = 0
        self.exec_code = 0
        self.result = "success"
        self.job = None

    def props(self, interface):
        if interface == IFACE_UNIT:
            return {
                "Id": self.name,
                "Names": dbus.Array([self.name], signature="s"),
                "Description": self.description,
                "LoadState": self.load_state,
                "ActiveState": self.active,
                "SubState": self.sub,
                "FragmentPath": self.fragment,
                "UnitFileState": self.file_state,
                "CanStart": dbus.Boolean(self.load_state == "loaded"),
                "CanStop": dbus.Boolean(self.load_state == "loaded"),
                "Job": dbus.Struct((dbus.UInt32(self.job.id if self.job else 0),
                                    dbus.ObjectPath(self.job.path if self.job else "/")), signature="uo"),
                "ActiveEnterTimestamp": dbus.UInt64(USEC if self.active == "active" else 0),
            }
        if interface == IFACE_SERVICE and self.name.endswith(".service"):
            exec_start = dbus.Array([], signature="(sasbttttuii)")
            if self.argv:
                exec_start.append(dbus.Struct((self.argv[0], dbus.Array(self.argv, signature="s"), dbus.Boolean(False),
                                               dbus.UInt64(0), dbus.UInt64(0), dbus.UInt64(0), dbus.UInt64(0),
                                               dbus.UInt32(self.main_pid), dbus.Int32(self.exec_code),
                                               dbus.Int32(self.exec_status)), signature="sasbttttuii"))
            return {
                "Type": "simple",
                "MainPID": dbus.UInt32(self.main_pid),
                "ExecMainStatus": dbus.Int32(self.exec_status),
                "ExecMainCode": dbus.Int32(self.exec_code),
                "Result": self.result,
                "User": self.user,
                "ExecStart": exec_start,
            }
        if interface in (IFACE_UNIT, IFACE_SERVICE):
            return {}
        raise Error("org.freedesktop.DBus.Error.UnknownInterface", "Unknown interface %s." % interface)

    @dbus.service.method(IFACE_PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return self.props(interface)

    @dbus.service.method(IFACE_PROPS, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        props = self.props(interface)
        if prop not in props:
            raise Error("org.freedesktop.DBus.Error.UnknownProperty", "Unknown property %s." % prop)
        return props[prop]


class Job(dbus.service.Object):
    def __init__(self, manager, job_id, unit, job_type):
        self.id = job_id
        self.path = ROOT + "/job/" + str(job_id)
        self.unit = unit
        self.type = job_type
        super().__init__(manager.bus, self.path)


class Manager(dbus.service.Object):
    def __init__(self, bus):
        self.bus = bus
        self.units = {}
        self.jobs = {}
        self.next_job = 100
        self.subscribers = set()
        super().__init__(bus, ROOT)
        for name in INITIALLY_LOADED:
            self.units[name] = Unit(self, name)

    def load(self, name):
        name = ALIASES.get(name, name)
        if name not in self.units:
            self.units[name] = Unit(self, name)
        return self.units[name]

    @dbus.service.method(IFACE_MANAGER, in_signature="", out_signature="a(ssssssouso)")
    def ListUnits(self):
        out = []
        for u in self.units.values():
            out.append((u.name, u.description, u.load_state, u.active, u.sub, "", dbus.ObjectPath(u.path),
                        dbus.UInt32(u.job.id if u.job else 0), u.job.type if u.job else "",
                        dbus.ObjectPath(u.job.path if u.job else "/")))
        return out

    @dbus.service.method(IFACE_MANAGER, in_signature="", out_signature="a(ss)")
    def ListUnitFiles(self):
        return [(path, state) for path, state in UNIT_FILES.values()]

    @dbus.service.method(IFACE_MANAGER, in_signature="s", out_signature="o")
    def GetUnit(self, name):
        name = ALIASES.get(name, name)
        if name not in self.units:
            raise Error("org.freedesktop.systemd1.NoSuchUnit", "Unit %s not loaded." % name)
        return dbus.ObjectPath(self.units[name].path)

    @dbus.service.method(IFACE_MANAGER, in_signature="s", out_signature="o")
    def LoadUnit(self, name):
        if "/" in name or not name:
            raise Error("org.freedesktop.DBus.Error.InvalidArgs", "Unit name %s is not valid." % name)
        return dbus.ObjectPath(self.load(name).path)

    @dbus.service.method(IFACE_MANAGER, in_signature="u", out_signature="o")
    def GetJob(self, job_id):
        if job_id not in self.jobs:
            raise Error("org.freedesktop.systemd1.NoSuchJob", "Job %d does not exist." % job_id)
        return dbus.ObjectPath(self.jobs[job_id].path)

    @dbus.service.method(IFACE_MANAGER, in_signature="", out_signature="", sender_keyword="sender")
    def Subscribe(self, sender=None):
        self.subscribers.add(sender)

    @dbus.service.method(IFACE_MANAGER, in_signature="", out_signature="", sender_keyword="sender")
    def Unsubscribe(self, sender=None):
        if sender not in self.subscribers:
            raise Error("org.freedesktop.systemd1.NotSubscribed", "Client is not subscribed.")
        self.subscribers.discard(sender)

    @dbus.service.signal(IFACE_MANAGER, signature="uos")
    def JobNew(self, job_id, path, unit):
        pass

    @dbus.service.signal(IFACE_MANAGER, signature="uoss")
    def JobRemoved(self, job_id, path, unit, result):
        pass

    def new_job(self, unit, job_type):
        job = Job(self, self.next_job, unit, job_type)
        self.next_job += 1
        self.jobs[job.id] = job
        unit.job = job
        if self.subscribers:
            self.JobNew(dbus.UInt32(job.id), dbus.ObjectPath(job.path), unit.name)
        return job

    def finish(self, job, result):
        unit = job.unit
        unit.job = None
        del self.jobs[job.id]
        job.remove_from_connection()
        if self.subscribers and not NO_JOB_SIGNALS:
            self.JobRemoved(dbus.UInt32(job.id), dbus.ObjectPath(job.path), unit.name, result)
        return False

    def check(self, name, mode):
        if mode not in ("replace", "fail", "isolate", "ignore-dependencies", "ignore-requirements"):
            raise Error("org.freedesktop.DBus.Error.InvalidArgs", "Job mode %s invalid." % mode)
        unit = self.load(name)
        if unit.load_state == "not-found":
            raise Error("org.freedesktop.systemd1.NoSuchUnit", "Unit %s not found." % name)
        return unit

    @dbus.service.method(IFACE_MANAGER, in_signature="ss", out_signature="o")
    def StartUnit(self, name, mode):
        unit = self.check(name, mode)
        if unit.load_state == "masked":
            raise Error("org.freedesktop.systemd1.UnitMasked", "Unit %s is masked." % name)
        if unit.job:
            return dbus.ObjectPath(unit.job.path)
        job = self.new_job(unit, "start")
        if unit.active == "active":
            GLib.timeout_add(10, self.finish, job, "done")
            return dbus.ObjectPath(job.path)
        unit.active, unit.sub = "activating", "start"
        if unit.behaviour == "slow":
            return dbus.ObjectPath(job.path)

        def complete():
            if unit.behaviour == "fail":
                unit.active, unit.sub, unit.result = "failed", "failed", "exit-code"
                unit.exec_code, unit.exec_status, unit.main_pid = 1, 3, 0
                return self.finish(job, "failed")
            unit.active, unit.sub, unit.result = "active", "running", "success"
            unit.exec_code, unit.exec_status, unit.main_pid = 0, 0, 2000 + job.id
            return self.finish(job, "done")
        GLib.timeout_add(200, complete)
        return dbus.ObjectPath(job.path)

    @dbus.service.method(IFACE_MANAGER, in_signature="ss", out_signature="o")
    def StopUnit(self, name, mode):
        unit = self.check(name, mode)
        if unit.behaviour == "guard":
            raise Error("org.freedesktop.DBus.Error.AccessDenied", "Permission denied to stop %s." % name)
        if unit.job:
            # A stop replaces a pending start job, which ends "canceled".
            self.finish(unit.job, "canceled")
        job = self.new_job(unit, "stop")
        if unit.active in ("inactive", "failed"):
            GLib.timeout_add(10, self.finish, job, "done")
            return dbus.ObjectPath(job.path)
        unit.active, unit.sub = "deactivating", "stop-sigterm"

        def complete():
            unit.active, unit.sub, unit.main_pid = "inactive", "dead", 0
            unit.exec_code, unit.exec_status, unit.result = 2, 15, "success"
            return self.finish(job, "done")
        GLib.timeout_add(200, complete)
        return dbus.ObjectPath(job.path)


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(sys.argv[1])
    name = dbus.service.BusName("org.freedesktop.systemd1", bus, do_not_queue=True)
    manager = Manager(bus)
    loop = GLib.MainLoop()
    # End with the bus (the test kills the daemon) or on stdin's EOF (the test process is gone).
    bus.call_on_disconnection(lambda _: loop.quit())
    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_HUP | GLib.IO_IN, lambda *a: (loop.quit(), False)[1])
    print("READY", flush=True)
    loop.run()
    del name, manager


if __name__ == "__main__":
    main()
