<?php
// /var/www/app/index.php: says which pool answered and what ferry sent.
header('Content-Type: text/plain');
echo "served by pool ", getenv('FPM_POOL'), "\n";
foreach (['SCRIPT_NAME', 'PATH_INFO', 'REQUEST_URI', 'QUERY_STRING', 'REMOTE_ADDR'] as $k)
    echo $k, '=', $_SERVER[$k] ?? '', "\n";
