# test_store.py — rrext_store, the per-key file store (protocol-reference §4.5, issue 12): every
# subcommand with binary frames both ways, a 50 MB round trip, writes visible only at fs_close,
# paths that cannot leave the key's namespace (.., absolute, planted symlinks), two keys that
# never see each other's files, handles released with their connection, and the limits.
import asyncio
import hashlib
import os
import shutil
import tempfile
import time

from server_case import ServerTestCase
from store_client import CHUNK, Store, namespace_dir, poll, temp_files


def metric(reply_text, name):
    for line in reply_text.splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[1]))
    raise AssertionError(f"/metrics has no {name} line")


class StoreCase(ServerTestCase):
    """A server whose data root the test owns, so it can look at (and plant things in) it."""

    data_dir = None

    @classmethod
    def setUpClass(cls):
        cls.data_dir = os.path.realpath(tempfile.mkdtemp(prefix="sluice-store-e2e-"))
        cls.server_args = ("--data-dir", cls.data_dir, *cls.extra_args)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.data_dir, ignore_errors=True)

    extra_args = ()

    async def store(self, key=None):
        client = await self.connect()
        await client.auth(key or self.key)
        return Store(client)

    def namespace(self, key=None):
        return namespace_dir(self.data_dir, key or self.key)

    def handles_open(self):
        return metric(self.http("GET", "/metrics").text, "sluice_store_handles_open")


class StoreSubcommandsTest(StoreCase):
    async def test_a_file_written_in_binary_frames_reads_back_from_binary_replies(self):
        store = await self.store()
        handle = (await store.open("docs/a.bin", "w"))["handle"]
        self.assertEqual(await store.write(handle, b"hello\n"), 6)
        self.assertEqual(await store.write(handle, bytes(range(256))), 256)
        await store.close(handle, "w")

        opened = await store.open("docs/a.bin", "r")
        self.assertEqual(opened["size"], 262)
        self.assertEqual(await store.read(opened["handle"], 0, 6), b"hello\n")
        self.assertEqual(await store.read(opened["handle"], 6, 1000), bytes(range(256)))
        self.assertEqual(await store.read(opened["handle"], 262), b"", "empty at the end")
        await store.close(opened["handle"])

        stat = await store.stat("docs/a.bin")
        self.assertEqual((stat["exists"], stat["type"], stat["size"]), (True, "file", 262))
        self.assertLess(abs(stat["modified"] - time.time()), 60)
        self.assertEqual(await store.stat("docs"), {**await store.stat("docs"),
                                                    "exists": True, "type": "dir"})
        self.assertEqual(await store.stat("docs/none"), {"exists": False})

    async def test_a_50_mb_file_round_trips_in_4_mib_chunks(self):
        store = await self.store()
        data = os.urandom(50 * 1000 * 1000)
        started = time.monotonic()
        await store.write_file("big/fifty.bin", data)
        written = time.monotonic()
        back = await store.read_file("big/fifty.bin")
        done = time.monotonic()
        self.assertEqual(hashlib.sha256(back).hexdigest(), hashlib.sha256(data).hexdigest())
        print(f"\n  store 50 MB: write {50 / (written - started):.0f} MB/s, "
              f"read {50 / (done - written):.0f} MB/s", end=" ")

    async def test_a_read_answers_at_most_4_mib_whatever_length_asks(self):
        store = await self.store()
        await store.write_file("five.bin", b"5" * (5 << 20), chunk=5 << 20)
        opened = await store.open("five.bin")
        self.assertEqual(len(await store.read(opened["handle"], 0, 8 << 20)), CHUNK)
        self.assertEqual(len(await store.read(opened["handle"], CHUNK, 8 << 20)), 1 << 20)
        await store.close(opened["handle"])

    async def test_a_write_is_visible_only_once_its_handle_is_closed(self):
        store = await self.store()
        await store.write_file("visible.txt", b"old")
        handle = (await store.open("visible.txt", "w"))["handle"]
        await store.write(handle, b"new contents")
        self.assertEqual(await store.read_file("visible.txt"), b"old")
        self.assertEqual((await store.stat("visible.txt"))["size"], 3)
        self.assertEqual([n for n in await store.names() if n.startswith(".sluice")], [],
                         "temporary files are not listed")
        await store.close(handle, "w")
        self.assertEqual(await store.read_file("visible.txt"), b"new contents")

    async def test_directories_are_made_listed_renamed_and_removed(self):
        store = await self.store()
        await store.call("fs_mkdir", path="tree/a/b")
        await store.write_file("tree/a/b/f.txt", b"x" * 10)
        await store.write_file("tree/top.txt", b"y")
        listing = await store.list("tree")
        self.assertEqual(listing["count"], 2)
        by_name = {e["name"]: e for e in listing["entries"]}
        self.assertEqual(by_name["a"]["type"], "dir")
        self.assertEqual((by_name["top.txt"]["type"], by_name["top.txt"]["size"]), ("file", 1))
        self.assertIsInstance(by_name["top.txt"]["modified"], float)

        await store.call("fs_rename", old_path="tree/a/b/f.txt", new_path="moved/deep/g.txt")
        self.assertEqual(await store.read_file("moved/deep/g.txt"), b"x" * 10)
        self.assertEqual(await store.stat("tree/a/b/f.txt"), {"exists": False})

        await store.call("fs_delete", path="moved/deep/g.txt")
        self.assertEqual(await store.names("moved/deep"), [])
        self.assertEqual(await store.failure("fs_delete", path="moved/deep/g.txt"),
                         'fs_delete "moved/deep/g.txt": no such file')
        self.assertEqual(await store.failure("fs_delete", path="moved"),
                         'fs_delete "moved": is a directory; remove it with fs_rmdir')
        self.assertEqual(await store.failure("fs_rmdir", path="tree"),
                         'fs_rmdir "tree": directory not empty; pass recursive: true to remove '
                         'its contents too')
        await store.call("fs_rmdir", path="tree", recursive=True)
        self.assertEqual(await store.stat("tree"), {"exists": False})
        await store.call("fs_rmdir", path="moved/deep")
        self.assertEqual(await store.names("moved"), [])

    async def test_pipelined_calls_on_one_connection_each_get_their_own_answer(self):
        store = await self.store()
        for round_ in range(5):
            files = {f"par/{round_}/f{i}.bin": os.urandom(1000 + i) for i in range(16)}
            await asyncio.gather(*(store.write_file(p, d) for p, d in files.items()))
            stats, contents = await asyncio.gather(
                asyncio.gather(*(store.stat(p) for p in files)),
                asyncio.gather(*(store.read_file(p) for p in files)))
            self.assertEqual([s["size"] for s in stats], [len(d) for d in files.values()])
            self.assertEqual(contents, list(files.values()))
            self.assertEqual((await store.list(f"par/{round_}"))["count"], 16)
        self.assertEqual(store.client.protocol_errors, [])

    async def test_the_clients_templates_and_logs_helpers_work(self):
        # C/mixins/store.py: templates in .templates/<id>.json, logs in .logs/<project>/...,
        # written without an fs_mkdir first, and listed before any exists.
        store = await self.store(self.server_keys[1])
        self.assertEqual(await store.list(".templates"), {"entries": [], "count": 0})
        await store.write_file(".templates/t1.json", b'{"name": "T", "components": []}')
        await store.write_file(".logs/proj-1/webhook_1-1700000000.log", b'{"body": {}}')
        self.assertEqual(await store.names(".templates"), ["t1.json"])
        self.assertEqual(await store.read_file(".templates/t1.json"),
                         b'{"name": "T", "components": []}')
        logs = (await store.list(".logs/proj-1"))["entries"]
        self.assertEqual([(e["name"], e["type"]) for e in logs],
                         [("webhook_1-1700000000.log", "file")])
        await store.call("fs_delete", path=".templates/t1.json")
        self.assertEqual(await store.names(".templates"), [])

    async def test_bad_calls_are_answered_with_what_to_do(self):
        store = await self.store()
        self.assertEqual(await store.failure("fs_frobnicate"),
                         "rrext_store: Unknown subcommand: fs_frobnicate (fs_open, fs_read, "
                         "fs_write, fs_close, fs_stat, fs_list_dir, fs_mkdir, fs_rmdir, "
                         "fs_delete, fs_rename)")
        self.assertEqual(await store.failure(None), "rrext_store: Subcommand is required")
        self.assertEqual(await store.failure("fs_read", handle="fh-999"),
                         'fs_read: no open handle "fh-999" on this connection; open the file '
                         'with fs_open first')
        self.assertEqual(await store.failure("fs_open", path="nothing.txt"),
                         'fs_open "nothing.txt": no such file')
        self.assertEqual(await store.failure("fs_open", path="x", mode="a"),
                         'fs_open: argument "mode" must be "r" or "w" (got "a")')
        handle = (await store.open("w.txt", "w"))["handle"]
        self.assertEqual(await store.failure("fs_read", handle=handle),
                         'fs_read "w.txt": the handle was opened for writing; open the file '
                         'with mode "r" to read')
        self.assertEqual(await store.failure("fs_write", handle=handle),
                         "fs_write: needs data: send a binary frame (JSON header, a newline, "
                         "then the bytes)")
        await store.close(handle, "w")
        self.assertEqual(await store.failure("fs_open", path="w.txt/inner", mode="w"),
                         'store path "w.txt/inner": "w.txt" is a file, not a directory')
        self.assertEqual(await store.failure("fs_close", handle=handle),
                         f'fs_close: no open handle "{handle}" on this connection; open the '
                         f'file with fs_open first')


class StoreConfinementTest(StoreCase):
    TRAVERSALS = {
        "../outside.txt": 'store path "../outside.txt": ".." is not allowed; paths stay inside '
                          'your store',
        "a/../../outside.txt": 'store path "a/../../outside.txt": ".." is not allowed; paths '
                               'stay inside your store',
        "..\\outside.txt": 'store path "..\\outside.txt": ".." is not allowed; paths stay '
                           'inside your store',
        "/etc/passwd": 'store path "/etc/passwd": absolute paths are not allowed; give a path '
                       'relative to your store',
        "a\nb": 'store path "a\\x0ab": control characters (NUL, newline, ...) are not allowed',
    }

    async def test_dot_dot_and_absolute_paths_are_refused_by_every_path_call(self):
        store = await self.store()
        for path, message in self.TRAVERSALS.items():
            with self.subTest(path=path):
                for mode in ("r", "w"):
                    self.assertEqual(await store.failure("fs_open", path=path, mode=mode), message)
                for sub in ("fs_stat", "fs_list_dir", "fs_mkdir", "fs_rmdir", "fs_delete"):
                    self.assertEqual(await store.failure(sub, path=path), message, sub)
                self.assertEqual(await store.failure("fs_rename", old_path=path,
                                                     new_path="y"), message)
                await store.write_file("x", b"x")
                self.assertEqual(await store.failure("fs_rename", old_path="x",
                                                     new_path=path), message)
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, ".sluice", "store", "outside.txt")))
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "outside.txt")))

    async def test_a_symlink_planted_in_the_namespace_is_never_followed(self):
        store = await self.store()
        await store.call("fs_mkdir", path="")  # the namespace exists once the key used the store
        outside = tempfile.mkdtemp(prefix="sluice-outside-")
        self.addCleanup(shutil.rmtree, outside, True)
        with open(os.path.join(outside, "secret.txt"), "w") as f:
            f.write("secret")
        ns = self.namespace()
        os.symlink(outside, os.path.join(ns, "linkdir"))
        os.symlink(os.path.join(outside, "secret.txt"), os.path.join(ns, "linkfile"))

        link_dir = 'store path "linkdir/secret.txt": "linkdir" is a symbolic link; the store ' \
                   'never follows links'
        self.assertEqual(await store.failure("fs_open", path="linkdir/secret.txt"), link_dir)
        self.assertEqual(await store.failure("fs_open", path="linkdir/secret.txt", mode="w"),
                         link_dir)
        self.assertEqual(await store.failure("fs_open", path="linkfile"),
                         'fs_open "linkfile": is a symbolic link; the store never follows links')
        self.assertEqual(await store.failure("fs_list_dir", path="linkdir"),
                         'store path "linkdir": "linkdir" is a symbolic link; the store never '
                         'follows links')
        self.assertEqual(await store.failure("fs_stat", path="linkfile"),
                         'fs_stat "linkfile": is a link or a special file; the store holds only '
                         'files and directories')
        self.assertEqual(await store.failure("fs_rmdir", path="linkdir", recursive=True),
                         'fs_rmdir "linkdir": not a directory (a file or a link): remove it with '
                         'fs_delete')
        self.assertNotIn("linkdir", await store.names(), "links are not listed")
        # A write "through" the link replaces the link itself, never the file it points at.
        await store.write_file("linkfile", b"mine")
        self.assertEqual(open(os.path.join(outside, "secret.txt")).read(), "secret")
        self.assertEqual(os.listdir(outside), ["secret.txt"])
        await store.call("fs_delete", path="linkdir")  # removes the link, not the directory
        self.assertTrue(os.path.isfile(os.path.join(outside, "secret.txt")))

    async def test_two_keys_never_see_each_others_files(self):
        one = await self.store(self.server_keys[0])
        two = await self.store(self.server_keys[1])
        await one.write_file("private/only-one.txt", b"one's")
        self.assertEqual(await two.stat("private/only-one.txt"), {"exists": False})
        self.assertNotIn("private", await two.names())
        self.assertEqual(await two.failure("fs_open", path="private/only-one.txt"),
                         'store path "private/only-one.txt": directory "private" does not exist')
        await two.write_file("private/only-one.txt", b"two's")
        self.assertEqual(await one.read_file("private/only-one.txt"), b"one's")
        self.assertNotEqual(self.namespace(self.server_keys[0]),
                            self.namespace(self.server_keys[1]))
        for key in self.server_keys:
            self.assertNotIn(key, " ".join(os.listdir(os.path.join(self.data_dir, ".sluice", "store"))))


class StoreHandlesTest(StoreCase):
    extra_args = ("--store-max-file-mb", "1")

    async def test_a_connection_that_goes_releases_its_handles_and_temporary_files(self):
        baseline = self.handles_open()
        store = await self.store()
        await store.write_file("kept.txt", b"kept")
        await store.open("kept.txt", "r")
        handle = (await store.open("unfinished.txt", "w"))["handle"]
        await store.write(handle, b"half")
        self.assertEqual(self.handles_open(), baseline + 2)
        self.assertEqual(len(temp_files(self.namespace())), 1)
        store.client.abort()
        await poll(lambda: self.handles_open() == baseline, what="handles back to the baseline")
        await poll(lambda: temp_files(self.namespace()) == [], what="temporary file removed")
        again = await self.store()
        self.assertEqual(await again.stat("unfinished.txt"), {"exists": False})
        self.assertEqual(await again.read_file("kept.txt"), b"kept")

    async def test_a_connection_holds_at_most_64_handles(self):
        store = await self.store()
        await store.write_file("many.txt", b"m")
        handles = [(await store.open("many.txt"))["handle"] for _ in range(64)]
        self.assertEqual(len(set(handles)), 64)
        self.assertEqual(await store.failure("fs_open", path="many.txt"),
                         'fs_open "many.txt": this connection already holds 64 open handles '
                         '(the limit); close some with fs_close')
        await store.close(handles[0])
        await store.close((await store.open("many.txt"))["handle"])

    async def test_a_written_file_is_bounded_by_store_max_file_mb(self):
        store = await self.store()
        handle = (await store.open("capped.bin", "w"))["handle"]
        await store.write(handle, b"a" * (1 << 20))
        self.assertEqual(await store.failure("fs_write", data=b"b", handle=handle),
                         'fs_write "capped.bin": the file would pass 1 MiB '
                         '(--store-max-file-mb); nothing of this write was kept')
        await store.close(handle, "w")
        self.assertEqual((await store.stat("capped.bin"))["size"], 1 << 20)

    async def test_an_empty_file_reads_as_end_of_file_at_once(self):
        store = await self.store()
        opened = await store.open("none-yet.txt", "w")
        await store.close(opened["handle"], "w")
        self.assertEqual(await store.read_file("none-yet.txt"), b"")
