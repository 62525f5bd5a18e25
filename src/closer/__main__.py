from closer.cli import main

raise SystemExit(main())
