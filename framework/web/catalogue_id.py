"""Bahasa Indonesia for every console text (keys are the English texts in the code).

The words follow the seed guides and Accurate's own Indonesian screens (Gudang, Beri Akses,
Sinkronisasi Produk, Tarik Stok, Catatan Push Order).
"""

CATALOGUE: dict[str, str] = {
    # layout, login, errors
    "Console": "Konsol",
    "Integrations": "Integrasi",
    "Payouts": "Pencairan Dana",
    "Log out": "Keluar",
    "Main": "Utama",
    "Administrator": "Administrator",
    "Operator": "Operator",
    "No worker has been seen recently.": "Tidak ada worker yang terlihat akhir-akhir ini.",
    "Re-pushed items and synchronizations wait until a worker runs:":
        "Push ulang dan sinkronisasi menunggu sampai worker berjalan:",
    "What to do:": "Yang perlu dilakukan:",
    "Log in": "Masuk",
    "Log in to jembatan": "Masuk ke jembatan",
    "Your store and Accurate Online, kept in step.":
        "Toko Anda dan Accurate Online, selalu selaras.",
    "User name": "Nama pengguna",
    "Password": "Kata sandi",
    "No account yet? An administrator creates one with":
        "Belum punya akun? Administrator membuatnya dengan",
    "The login form expired; please try again.": "Formulir masuk kedaluwarsa; silakan coba lagi.",
    "Too many failed attempts. Try again in {seconds} seconds.":
        "Terlalu banyak percobaan gagal. Coba lagi dalam {seconds} detik.",
    "Wrong user name or password.": "Nama pengguna atau kata sandi salah.",
    "Not found": "Tidak ditemukan",
    "This page does not exist, or it belongs to a link you cannot see.":
        "Halaman ini tidak ada, atau milik tautan yang tidak dapat Anda lihat.",
    "Not allowed": "Tidak diizinkan",
    "You may not do this. If you think you should, ask an administrator.":
        "Anda tidak boleh melakukan ini. Jika seharusnya boleh, hubungi administrator.",
    "Please log in": "Silakan masuk",
    "Something went wrong": "Terjadi kesalahan",
    "Cannot continue": "Tidak dapat dilanjutkan",
    "This cannot be shown right now": "Halaman ini tidak dapat ditampilkan sekarang",
    "Back to the integrations": "Kembali ke daftar integrasi",
    # integrations
    "Each link joins one store account to one Accurate database.":
        "Setiap tautan menghubungkan satu akun toko dengan satu database Accurate.",
    "No links yet": "Belum ada tautan",
    "Start by adding your store (Ginee or Forstok), then connect Accurate Online.":
        "Mulai dengan menambahkan toko Anda (Ginee atau Forstok), lalu hubungkan Accurate Online.",
    "No link has been granted to you yet. Ask an administrator.":
        "Belum ada tautan yang diberikan kepada Anda. Hubungi administrator.",
    "Connected": "Terhubung",
    "Disconnected": "Terputus",
    "Accurate not connected": "Accurate belum terhubung",
    "Database": "Database",
    "Live since": "Aktif sejak",
    "Warehouses bound": "Gudang terikat",
    "Need attention": "Perlu perhatian",
    "Configuration Management": "Manajemen Konfigurasi",
    "Connect Accurate": "Hubungkan Accurate",
    "Connect {system}": "Hubungkan {system}",
    "Disconnect": "Putuskan",
    "Add {platform} link": "Tambah tautan {platform}",
    "Secrets are stored encrypted and never shown again.":
        "Rahasia disimpan terenkripsi dan tidak pernah ditampilkan lagi.",
    "Link id": "ID tautan",
    "letters, digits and dashes, e.g. toko-ginee": "huruf, angka dan tanda hubung, mis. toko-ginee",
    "Name": "Nama",
    "shown in tables": "ditampilkan di tabel",
    "Settings": "Pengaturan",
    "Credentials": "Kredensial",
    "Save": "Simpan",
    "Cancel": "Batal",
    "Link {link} added. Now connect it to Accurate.":
        "Tautan {link} ditambahkan. Sekarang hubungkan ke Accurate.",
    "Disconnect {link} from Accurate?": "Putuskan {link} dari Accurate?",
    "Sync stops for this link until it is connected again. Nothing already sent to Accurate "
    "is deleted.": "Sinkronisasi tautan ini berhenti sampai dihubungkan lagi. Tidak ada data "
                   "yang sudah dikirim ke Accurate yang dihapus.",
    "To change the database, disconnect, then connect again and choose the other database; "
    "the link goes live again from that moment.":
        "Untuk ganti database, putuskan, lalu integrasi ulang dan pilih database lain; tautan "
        "aktif kembali sejak saat itu.",
    "Link {link} is disconnected. Nothing already sent was deleted. Connect it again, to any "
    "database, to resume.": "Tautan {link} terputus. Tidak ada data terkirim yang dihapus. "
                            "Hubungkan lagi, ke database mana pun, untuk melanjutkan.",
    # connect
    "Log in with the owner account (the main e-mail); other accounts or phone numbers make the "
    "integration fail.": "Pastikan integrasi dilakukan dengan email owner/akun utama; "
                         "penggunaan email lain/nomor handphone akan menggagalkan integrasi.",
    "Every link you can see is already connected. Add a store link first, or disconnect a link "
    "to re-integrate it on another database.":
        "Semua tautan yang dapat Anda lihat sudah terhubung. Tambahkan tautan toko dulu, atau "
        "putuskan tautan untuk integrasi ulang ke database lain.",
    "Log in to Accurate (recommended)": "Masuk ke Accurate (disarankan)",
    "You are sent to Accurate to log in and press “Beri Akses”; then you choose the database(s) "
    "here, one link each.": "Anda diarahkan ke Accurate untuk masuk dan menekan “Beri Akses”; "
                            "lalu pilih database di sini, satu tautan per database.",
    "Continue to Accurate": "Lanjut ke Accurate",
    "API Token": "API Token",
    "In Accurate: Pengaturan › Accurate Store › Aplikasi Saya, install the app, then API Token › "
    "Buat API Token.": "Di Accurate: Pengaturan › Accurate Store › Aplikasi Saya, klik Install "
                       "Aplikasi, lalu API Token › Buat API Token.",
    "Link": "Tautan",
    "Connect": "Hubungkan",
    "Choose the database": "Pilih database",
    "Access was granted. Tick one database, or several at once; each one joins its own store "
    "link. Orders created from now on are sent.":
        "Akses diberikan. Centang satu database, atau beberapa sekaligus; masing-masing "
        "terhubung ke tautan tokonya sendiri. Order yang dibuat mulai sekarang akan dikirim.",
    "Store link": "Tautan toko",
    "Store link for {db}": "Tautan toko untuk {db}",
    "This authorization is unknown or expired. Please start again.":
        "Otorisasi ini tidak dikenal atau kedaluwarsa. Silakan mulai lagi.",
    "Access was not granted ({error}).": "Akses tidak diberikan ({error}).",
    "Connected: {links}.": "Terhubung: {links}.",
    "Choose at least one database.": "Pilih minimal satu database.",
    "tick a database and pick the link it belongs to":
        "centang database dan pilih tautan miliknya",
    "Each chosen database needs its own link.":
        "Setiap database yang dipilih perlu tautannya sendiri.",
    "pick a different link for every database": "pilih tautan berbeda untuk setiap database",
    # link tabs and configuration
    "Configuration": "Konfigurasi",
    "Account mapping": "Pemetaan akun",
    "Pre-flight check": "Pemeriksaan awal",
    "Product Information": "Informasi Produk",
    "Push Order Record": "Catatan Push Order",
    "Push Stock Record": "Catatan Push Stok",
    "Push Product Record": "Catatan Push Produk",
    "Jobs": "Pekerjaan",
    "Warehouses": "Gudang",
    "Only bound warehouses are synchronized; binding is one-to-one.":
        "Hanya gudang terikat yang disinkronkan; pengikatan satu-lawan-satu.",
    "Store warehouse": "Gudang toko",
    "Accurate warehouse": "Gudang Accurate",
    "Status": "Status",
    "Operation": "Operasi",
    "Bound": "Terikat",
    "Unbound": "Belum terikat",
    "Product Synchronization": "Sinkronisasi Produk",
    "Pull Stock": "Tarik Stok",
    "Unbind": "Lepas ikatan",
    "Bind": "Ikat",
    "No operation is possible until it is bound.":
        "Tidak ada operasi yang bisa dilakukan sebelum gudang diikat.",
    "Features": "Fitur",
    "Save features": "Simpan fitur",
    "Connection": "Koneksi",
    "Run the pre-flight check": "Jalankan pemeriksaan awal",
    "Invoice": "Faktur (Invoice)",
    "Auto Paid": "Auto Paid",
    "Stock Sync": "Sinkronisasi Stok",
    "Sales Return": "Retur Penjualan",
    "Create the Sales Invoice when an order is ready to ship.":
        "Buat Faktur Penjualan saat order siap dikirim.",
    "Create the Sales Receipt right after the invoice (Auto Paid).":
        "Buat Penerimaan Penjualan langsung setelah faktur (Auto Paid).",
    "The worker keeps pulling Accurate stock into the store.":
        "Worker terus menarik stok Accurate ke toko.",
    "Book a sales return for returned orders (else left to you).":
        "Catat retur penjualan untuk order yang dikembalikan (jika tidak, Anda yang mencatat).",
    "Features saved.": "Fitur disimpan.",
    "Warehouse {store} bound to {books}.": "Gudang {store} diikat ke {books}.",
    "Unbind warehouse {store}?": "Lepas ikatan gudang {store}?",
    "Once unbound, the products, orders and stock of this store warehouse are no longer "
    "connected to Accurate.": "Setelah dilepas, produk, order dan stok gudang toko ini tidak "
                              "lagi terhubung ke Accurate.",
    "Nothing already sent to Accurate is deleted.":
        "Tidak ada yang sudah dikirim ke Accurate yang dihapus.",
    "Warehouse {store} unbound. Its products, orders and stock are no longer synced; nothing "
    "already sent to Accurate was deleted.":
        "Ikatan gudang {store} dilepas. Produk, order dan stoknya tidak lagi disinkronkan; "
        "tidak ada yang sudah dikirim ke Accurate yang dihapus.",
    "Webhook": "Webhook",
    "The secret URL to register in the store's webhook settings; it points at the worker "
    "(jembatan worker --listen), not at this console.":
        "URL rahasia yang didaftarkan di pengaturan webhook toko; mengarah ke worker (jembatan "
        "worker --listen), bukan ke konsol ini.",
    "Where the worker is reached from the internet": "Alamat worker dari internet",
    "Show the webhook URL": "Tampilkan URL webhook",
    "Webhook URL of {link}": "URL webhook {link}",
    "A new token was made: register this URL in the store; the old one is refused from now on.":
        "Token baru dibuat: daftarkan URL ini di toko; URL lama ditolak mulai sekarang.",
    "Register this URL in the store's webhook settings. Keep it secret: it carries the link's "
    "own token.": "Daftarkan URL ini di pengaturan webhook toko. Rahasiakan: URL ini memuat "
                  "token tautan.",
    "Make a new token (if the URL leaked)": "Buat token baru (jika URL bocor)",
    "Back": "Kembali",
    # accounts
    "Account mapping (CoA)": "Pemetaan akun (CoA)",
    "The choices are read from Accurate's chart of accounts now: the accounts of the usual "
    "types for each role first, then the rest of the chart it accepts.":
        "Pilihan dibaca langsung dari daftar akun Accurate: akun dengan tipe yang lazim untuk "
        "peran itu lebih dulu, lalu akun lain yang dapat dipakai.",
    "Usual for this role": "Lazim untuk peran ini",
    "Other accounts of the chart": "Akun lain dari daftar akun",
    "— not mapped —": "— belum dipetakan —",
    "Customer for one sales channel (optional)": "Pelanggan untuk satu kanal penjualan (opsional)",
    "Channel": "Kanal",
    "Customer": "Pelanggan",
    "Mapped per channel:": "Dipetakan per kanal:",
    "Save mapping": "Simpan pemetaan",
    "Account mapping saved.": "Pemetaan akun disimpan.",
    "Account mapping not saved: {reason}": "Pemetaan akun tidak disimpan: {reason}",
    "Customer for marketplace orders (every channel without its own)":
        "Pelanggan untuk order marketplace (semua kanal tanpa pelanggan sendiri)",
    "Cash / bank account receiving Auto Paid receipts":
        "Akun kas / bank penerima pembayaran Auto Paid",
    "Account for the shipping fee charged on invoices": "Akun ongkos kirim pada faktur",
    "Account for order-level discounts": "Akun diskon tingkat order",
    "Orders and invoices": "Order dan faktur",
    "Payout receipts": "Penerimaan pencairan dana (payout)",
    "Marketplace balance (cash/bank) receiving net payouts":
        "Saldo marketplace (kas/bank) penerima dana bersih",
    "Marketplace commission fee": "Biaya komisi marketplace",
    "Marketplace service fee": "Biaya layanan marketplace",
    "Payment (transaction) fee": "Biaya pembayaran (transaksi)",
    "Shipping cost difference": "Selisih ongkos kirim",
    "Seller-funded voucher": "Voucher dari penjual",
    "Platform subsidies and rebates (income)": "Subsidi dan rabat platform (pendapatan)",
    "Any other fee (fallback)": "Biaya lainnya (cadangan)",
    "Receipt mode": "Mode penerimaan",
    "Default: Auto Paid when its switch is on, else payout":
        "Bawaan: Auto Paid bila sakelarnya aktif, selain itu payout",
    "how an invoiced order's money is received": "cara uang order yang sudah difakturkan diterima",
    "Auto Paid: the whole invoice into the bank right after it":
        "Auto Paid: seluruh faktur langsung masuk ke bank",
    "Payout: the marketplace's net payout at settlement, fee by fee":
        "Payout: dana bersih marketplace saat pencairan, per biaya",
    "Off: receipts are entered by hand in Accurate": "Mati: penerimaan dicatat manual di Accurate",
    # check
    "Ready to go live: nothing blocks this link.":
        "Siap aktif: tidak ada yang menghalangi tautan ini.",
    "{n} problem(s) block go-live. Fix them, then check again.":
        "{n} masalah menghalangi aktivasi. Perbaiki, lalu periksa lagi.",
    "Nothing blocks go-live; read the warnings below.":
        "Tidak ada yang menghalangi aktivasi; baca peringatan di bawah.",
    "Severity": "Tingkat",
    "Problem": "Masalah",
    "About": "Terkait",
    "What to do": "Yang perlu dilakukan",
    "Check again": "Periksa lagi",
    "blocker": "penghalang",
    "warning": "peringatan",
    # products
    "preview": "pratinjau",
    "Master products of the bound warehouse that are not in Accurate yet. Products already "
    "pushed are never pushed again; images are not sent.":
        "Master Produk di gudang terikat yang belum ada di Accurate. Produk yang sudah dipush "
        "tidak dipush ulang; gambar tidak dikirim.",
    "to push": "akan dipush",
    "already in Accurate": "sudah ada di Accurate",
    "held back (pending action)": "ditahan (pending action)",
    "incomplete": "tidak lengkap",
    "Item Code (SKU)": "Kode Barang (SKU)",
    "Item Name": "Nama Barang",
    "Default Sales Price": "Harga Jual Default",
    "Qty On Hand": "Kuantitas",
    "and {n} more": "dan {n} lainnya",
    "Held back:": "Ditahan:",
    "resolve the pending action in the store first.": "selesaikan pending action di toko dulu.",
    "Push {n} product(s) to Accurate": "Push {n} produk ke Accurate",
    "{n} product(s) queued for Accurate in {jobs} job(s); the worker pushes them. Their outcome "
    "appears below.": "{n} produk diantrekan untuk Accurate dalam {jobs} pekerjaan; worker "
                      "mengirimnya. Hasilnya tampil di bawah.",
    "Every product jembatan pushed to Accurate, with its Accurate id and Accurate's stock in "
    "each bound warehouse now.": "Setiap produk yang dipush jembatan ke Accurate, dengan id "
                                 "Accurate dan stok Accurate di tiap gudang terikat saat ini.",
    "Search SKU": "Cari SKU",
    "Search": "Cari",
    "Accurate id": "Id Accurate",
    "On hand: {w}": "Stok: {w}",
    "Pushed at": "Dipush pada",
    "Nothing pushed yet. Run Product Synchronization from the configuration page.":
        "Belum ada yang dipush. Jalankan Sinkronisasi Produk dari halaman konfigurasi.",
    "Previous": "Sebelumnya",
    "Next": "Berikutnya",
    "Page {n}": "Halaman {n}",
    "Page {n} of {m}": "Halaman {n} dari {m}",
    # stock
    "Please operate carefully.": "Harap berhati-hati.",
    "Accurate's stock of the bound warehouse directly overwrites the store's stock. Orders "
    "already ready to ship whose invoice has not reached Accurate yet are subtracted.":
        "Stok Accurate di gudang terikat langsung menimpa stok toko. Order yang sudah siap "
        "dikirim tetapi fakturnya belum sampai di Accurate dikurangkan.",
    "{n} of {total} SKUs change.": "{n} dari {total} SKU berubah.",
    "Left alone: {n} SKU(s) named differently in the store and in Accurate. Give each the same "
    "name on both sides, then pull again.":
        "Dibiarkan: {n} SKU bernama beda di toko dan di Accurate. Samakan namanya di kedua sisi, "
        "lalu tarik stok lagi.",
    "store": "toko",
    "Store now": "Toko sekarang",
    "Accurate on hand": "Stok Accurate",
    "Awaiting invoice": "Menunggu faktur",
    "New": "Baru",
    "Overwrite the store's stock": "Timpa stok toko",
    "{n} stock level(s) queued for the store; the worker sends them. Their outcome appears "
    "below.": "{n} stok diantrekan untuk toko; worker mengirimnya. Hasilnya tampil di bawah.",
    # records
    "Push records": "Catatan push",
    "Needs you": "Perlu tindakan Anda",
    "jembatan does not book these by itself (returns, cancellations after the invoice). Do "
    "what each line says in Accurate.": "jembatan tidak mencatat ini sendiri (retur, "
                                       "pembatalan setelah faktur). Lakukan yang tertulis di "
                                       "tiap baris di Accurate.",
    "timeline": "riwayat",
    "{n} record(s) match.": "{n} catatan cocok.",
    "all": "semua",
    "From": "Dari",
    "Until": "Sampai",
    "Order number or SKU": "Nomor order atau SKU",
    "Filter": "Saring",
    "Re-push all failed (filtered)": "Push ulang semua yang gagal (tersaring)",
    "Reference": "Referensi",
    "Document": "Dokumen",
    "Number in Accurate": "Nomor di Accurate",
    "Attempts": "Percobaan",
    "Time (UTC)": "Waktu (UTC)",
    "Reason": "Alasan",
    "Re-push": "Push ulang",
    "No record matches.": "Tidak ada catatan yang cocok.",
    "{ref}: queued again (job {job}). The worker sends it; this list shows the outcome.":
        "{ref}: diantrekan lagi (pekerjaan {job}). Worker mengirimnya; daftar ini menampilkan "
        "hasilnya.",
    "{n} job(s) queued again; the worker sends them.":
        "{n} pekerjaan diantrekan lagi; worker mengirimnya.",
    "pending": "menunggu",
    "succeeded": "berhasil",
    "failed": "gagal",
    "skipped": "dilewati",
    "needs operator": "perlu operator",
    "sales order": "pesanan penjualan",
    "sales invoice": "faktur penjualan",
    "sales receipt": "penerimaan penjualan",
    "sales return": "retur penjualan",
    "close sales order": "tutup pesanan penjualan",
    "item": "barang",
    "stock": "stok",
    "customer": "pelanggan",
    "operator": "operator",
    # order timeline
    "Order": "Order",
    "store status": "status toko",
    "Not sent:": "Tidak dikirim:",
    "Documents in Accurate": "Dokumen di Accurate",
    "Number": "Nomor",
    "Created": "Dibuat",
    "No Accurate document yet.": "Belum ada dokumen Accurate.",
    "Timeline": "Riwayat",
    "ignored": "diabaikan",
    "passed through": "melewati",
    "moved": "berpindah",
    "new": "baru",
    "waiting payment": "menunggu pembayaran",
    "paid": "dibayar",
    "ready to ship": "siap dikirim",
    "shipped": "dikirim",
    "delivered": "diterima",
    "completed": "selesai",
    "cancelled": "dibatalkan",
    "returned": "dikembalikan",
    # payouts
    "Each settled order's expected net payout against the receipt booked in Accurate. Late: "
    "nothing booked that many days after delivery.":
        "Dana bersih yang diharapkan tiap order selesai dibandingkan penerimaan yang dicatat di "
        "Accurate. Terlambat: belum dicatat sekian hari setelah diterima pembeli.",
    "settled": "selesai",
    "booked": "dicatat",
    "with a difference": "ada selisih",
    "late": "terlambat",
    "Delivered from": "Diterima sejak",
    "Late after (days)": "Terlambat setelah (hari)",
    "Download CSV": "Unduh CSV",
    "State": "Status",
    "Delivered": "Diterima",
    "Expected net": "Bersih diharapkan",
    "Booked": "Dicatat",
    "Difference": "Selisih",
    "Released": "Dicairkan",
    "Age (days)": "Umur (hari)",
    "No settled order yet.": "Belum ada order yang selesai.",
    "Import a settlement": "Impor pencairan dana",
    "The marketplace's settlement export (CSV: order_number, released_amount, release_date and "
    "fee columns). Each order is booked once; a corrected figure corrects the receipt.":
        "Ekspor pencairan dana marketplace (CSV: order_number, released_amount, release_date "
        "dan kolom biaya). Tiap order dicatat sekali; angka yang dikoreksi mengoreksi "
        "penerimaannya.",
    "Settlement file": "Berkas pencairan",
    "Import": "Impor",
    "Choose a settlement CSV file (at most 5 MB).": "Pilih berkas CSV pencairan (maks. 5 MB).",
    "export it from the marketplace's settlement page":
        "ekspor dari halaman pencairan dana marketplace",
    "{queued} payout receipt(s) queued, {same} unchanged, {bad} unreadable line(s).":
        "{queued} penerimaan payout diantrekan, {same} tidak berubah, {bad} baris tak terbaca.",
    # jobs
    "A worker was last seen at {t} UTC.": "Worker terakhir terlihat pukul {t} UTC.",
    "No worker has ever run on this database.": "Belum pernah ada worker di database ini.",
    "Kind": "Jenis",
    "Key": "Kunci",
    "Due": "Jadwal",
    "Last error": "Galat terakhir",
    "No job.": "Tidak ada pekerjaan.",
    "queued": "antre",
    "running": "berjalan",
    "dead": "mati",
}
