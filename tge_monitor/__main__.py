from tge_monitor.cli import main

raise SystemExit(main())
